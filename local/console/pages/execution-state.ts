/**
 * The selected state of an execution: its input, every `{% %}` field as evaluated (for a
 * JSONPath state, the value after each path field), what its resource received and answered, its
 * output, error and cause, each attempt, the variables in scope before and after, and the
 * context object; for a Map or Parallel, its iterations or branches, each openable.
 */
import type { ConsoleContext } from '../context.ts';
import { evaluateFields } from '../evaluate.ts';
import type { ScopeStep, StateRun } from '../history.ts';
import { duration, escapeHtml, href, jsonBlock, secretText, status, table, text, time } from '../html.ts';

/**
 * A scope as the graph draws it: Map iterations by their index (from 0, as AWS numbers them),
 * Parallel branches from 1 (`Branch 1` is the first of Branches).
 */
export function describeScope(step: ScopeStep): string {
  return step.kind === 'iteration'
    ? `iteration ${step.index} of ${step.state}`
    : `branch ${step.index + 1} of ${step.state}`;
}

function section(title: string, body: string): string {
  return `<h3>${escapeHtml(title)}</h3>${body}`;
}

function value(v: unknown, label: string, reveal: boolean): string {
  return v === undefined ? '<p class="note">None recorded.</p>' : jsonBlock(v, { reveal, label });
}

export async function statePanel(
  ctx: ConsoleContext,
  options: {
    executionArn: string;
    run: StateRun;
    stateDefinition: Record<string, unknown> | undefined;
    machineLanguage: string;
    reveal: boolean;
    runsOfState: readonly StateRun[];
  },
): Promise<string> {
  const { run, reveal, executionArn } = options;
  const where = run.scopes.length ? run.scopes.map((s) => describeScope(s)).join(' › ') : 'top level';
  const others =
    options.runsOfState.length > 1
      ? `<p>Run ${options.runsOfState.indexOf(run) + 1} of ${options.runsOfState.length} of this state: ${options.runsOfState
          .slice(0, 50)
          .map(
            (r, i) =>
              `<a href="${href('/execution', { arn: executionArn, state: r.id })}"${r === run ? ' aria-current="true"' : ''}>${i + 1}</a>`,
          )
          .join(' ')}${options.runsOfState.length > 50 ? ' …' : ''}</p>`
      : '';
  const jsonPath =
    ((options.stateDefinition?.QueryLanguage as string | undefined) ?? options.machineLanguage) ===
    'JSONPath';
  const fields = options.stateDefinition
    ? await evaluateFields(ctx, options.stateDefinition, run, options.machineLanguage)
    : [];
  const fieldRows = fields.map((f) => [
    `<span class="mono">${text(f.field, 80)}</span>`,
    jsonBlock(f.template, { label: `${f.field} as written` }),
    f.note
      ? `<p class="note">${text(f.note, 300)}</p>`
      : f.error
        ? `<p class="error">${secretText(f.error, 1000, reveal)}</p>`
        : jsonBlock(f.value, { reveal, label: `${f.field} as evaluated` }),
    f.source === 'history'
      ? 'history'
      : f.source === 'TestState'
        ? f.mocked === false
          ? 'TestState'
          : 'TestState (mocked)'
        : '',
  ]);
  const attempts = run.attempts.map((a, i) => [
    String(i + 1),
    status(a.outcome),
    `${time(a.scheduledAt)}${a.endedAt ? `<br><span class="note">took ${duration(a.endedAt.getTime() - a.scheduledAt.getTime())}</span>` : ''}`,
    a.error
      ? `${text(a.error, 120)}${a.cause ? `<br><span class="note">${secretText(a.cause, 300, reveal)}</span>` : ''}`
      : '',
  ]);
  // Every attempt calls the same resource (the state's): named once, above the table.
  const resources = [...new Set(run.attempts.map((a) => a.resource).filter((r) => r !== undefined))];
  const children = run.children?.length
    ? table(
        run.type === 'Map' ? 'Iterations' : 'Branches',
        [run.type === 'Map' ? 'Iteration' : 'Branch', 'Attempt', 'Status', 'States run'],
        run.children.slice(0, 500).map((child) => {
          const scope = `${run.scope ? `${run.scope}/` : ''}${run.name}#${child.index}`;
          const first = child.runs[0];
          return [
            `<a href="${href('/execution', { arn: executionArn, scope, ...(first ? { state: first.id } : {}) })}">${run.type === 'Map' ? `Iteration ${child.index}` : `Branch ${child.index + 1}`}</a>`,
            String(child.attempt),
            status(child.status),
            String(child.runs.length),
          ];
        }),
      ) + (run.children.length > 500 ? `<p class="note">First 500 of ${run.children.length}.</p>` : '')
    : '';
  const failure =
    run.error !== undefined || run.cause !== undefined
      ? `<div class="error" role="alert"><strong>${text(run.error ?? '(no error name)', 200)}</strong>${run.cause ? `<br>${secretText(run.cause, 4000, reveal)}` : ''}</div>`
      : '';
  return `<section class="panel" aria-labelledby="state-heading">
<h2 id="state-heading">${text(run.name, 120)} <span class="note">${escapeHtml(run.type)}</span> ${status(run.status)}</h2>
<dl class="facts">
<dt>Where</dt><dd>${escapeHtml(where)}</dd>
<dt>Entered</dt><dd>${time(run.enteredAt)} (event ${run.enteredEventId})</dd>
<dt>Exited</dt><dd>${run.exitedAt ? `${time(run.exitedAt)} (event ${run.exitedEventId ?? ''}), after ${duration(run.exitedAt.getTime() - run.enteredAt.getTime())}` : run.status === 'running' || run.status === 'waiting' ? 'not yet' : `no exit event: it ended ${run.status} (a failure that ends the execution, or a stop, records none)`}</dd>
</dl>
${others}
${failure}
${section('Input', value(run.input, 'State input', reveal))}
${fields.length ? (jsonPath ? section('Data flow, evaluated', table(`Value after each path field of ${run.name}, in the order they apply`, ['Field', 'As written', 'Value after it', 'From'], fieldRows)) : section('Expressions, evaluated', table(`Expression fields of ${run.name}`, ['Field', 'As written', 'Value', 'From'], fieldRows))) : ''}
${run.arguments !== undefined ? section('Sent to the resource', value(run.arguments, 'Sent to the resource', reveal)) : ''}
${run.result !== undefined ? section('Result', value(run.result, 'Result', reveal)) : ''}
${section('Output', value(run.output, 'State output', reveal))}
${run.attempts.length ? section(`Attempts (${run.attempts.length})`, `${resources.length ? `<p>Resource: <span class="mono">${text(resources.join(', '), 300)}</span></p>` : ''}${table('Attempts', ['#', 'Outcome', 'Scheduled', 'Error and cause'], attempts)}`) : ''}
${children ? section(run.type === 'Map' ? 'Iterations' : 'Branches', children) : ''}
${run.assigned ? section('Assigned', value(run.assigned, 'Assigned variables', reveal)) : ''}
${section('Variables before', value(run.variablesBefore, 'Variables before', reveal))}
${section('Variables after', value(run.variablesAfter, 'Variables after', reveal))}
<details><summary>Context object</summary>${value(run.context, 'Context object', reveal)}</details>
</section>`;
}
