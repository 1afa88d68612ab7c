/**
 * `/execution?arn=`: one execution. The definition's graph with the path taken (each state
 * coloured by its outcome; a Map iteration or a Parallel branch chosen with `scope`), the
 * selected state in detail (`state`: its StateEntered event id), the event history (`tab=events`),
 * what it cost, and what an operator can do to it.
 */
import { DescribeStateMachineForExecutionCommand } from '@aws-sdk/client-sfn';
import { ConsoleError, type ConsoleHandler } from '../context.ts';
import { renderGraph, type StateMark } from '../graph.ts';
import { buildExecutionModel, type StateRun } from '../history.ts';
import { actionForm, attr, duration, escapeHtml, href, jsonBlock, status, text, time } from '../html.ts';
import { describeExecution, describeStateMachine, parseDefinitionText, readHistory } from '../sfn.ts';
import { findStateDefinition } from './actions.ts';
import { eventsSection } from './execution-events.ts';
import { statePanel } from './execution-state.ts';

const NOTICES: Readonly<Record<string, string>> = {
  started: 'Execution started.',
  stopped: 'StopExecution accepted: the execution is stopped.',
  redriven: 'RedriveExecution accepted: the execution runs again from where it failed.',
  answered: 'The waiting task was answered.',
};

const PRIORITY: readonly StateMark['status'][] = [
  'waiting',
  'running',
  'failed',
  'caught',
  'aborted',
  'retried',
  'succeeded',
];

/** Whether a run is in the chosen iteration/branch, or outside every Map and Parallel on its way. */
function inScope(run: StateRun, scope: string): boolean {
  if (!scope) return true;
  return (
    run.scope === scope ||
    run.scope.startsWith(`${scope}/`) ||
    run.scope === '' ||
    scope.startsWith(`${run.scope}/`)
  );
}

function marksOf(byPath: ReadonlyMap<string, readonly StateRun[]>, scope: string): Map<string, StateMark> {
  const marks = new Map<string, StateMark>();
  for (const [path, all] of byPath) {
    const runs = all.filter((r) => inScope(r, scope));
    if (runs.length === 0) continue;
    const retries = runs.reduce((n, r) => n + Math.max(0, r.attempts.length - 1), 0);
    let best: StateMark['status'] = 'succeeded';
    for (const r of runs) if (PRIORITY.indexOf(r.status) < PRIORITY.indexOf(best)) best = r.status;
    if (best === 'succeeded' && retries > 0) best = 'retried';
    const labels = [
      runs.length > 1 ? `${runs.length} runs` : '',
      retries > 0 ? `${retries} retr${retries === 1 ? 'y' : 'ies'}` : '',
    ].filter(Boolean);
    marks.set(path, { status: best, ...(labels.length ? { label: labels.join(', ') } : {}) });
  }
  return marks;
}

export const executionPage: ConsoleHandler = async (ctx, request) => {
  const params = request.url.searchParams;
  const arn = params.get('arn');
  if (!arn) throw new ConsoleError('Which execution? The link needs ?arn=<execution ARN>.');
  const execution = await describeExecution(ctx, arn);
  const ended = execution.status !== 'RUNNING' && execution.status !== 'PENDING_REDRIVE';
  const [events, machine] = await Promise.all([
    readHistory(
      ctx,
      arn,
      ended ? `${execution.stopDate?.getTime() ?? ''}|${execution.redriveCount ?? 0}` : undefined,
    ),
    ctx.clients.sfn
      .send(new DescribeStateMachineForExecutionCommand({ executionArn: arn }))
      .catch(() => describeStateMachine(ctx, execution.stateMachineArn ?? '')),
  ]);
  const definition = parseDefinitionText(machine.definition);
  const model = buildExecutionModel(events, definition, {
    executionArn: arn,
    ...(execution.stateMachineArn ? { stateMachineArn: execution.stateMachineArn } : {}),
    ...(execution.name ? { name: execution.name } : {}),
    ...(execution.startDate ? { startDate: execution.startDate } : {}),
    ...(execution.redriveCount !== undefined ? { redriveCount: execution.redriveCount } : {}),
  });
  const reveal = ctx.mode === 'local' && params.get('reveal') === '1';
  const tab = params.get('tab') === 'events' ? 'events' : 'graph';
  const scope = params.get('scope') ?? '';
  const machineName = (execution.stateMachineArn ?? '').split(':').at(-1) ?? '';
  const name = execution.name ?? arn;
  const notice = NOTICES[params.get('done') ?? ''];

  const selected =
    model.runs.find((r) => r.id === params.get('state')) ??
    // Inside an opened iteration or branch, its own waiting or failed state; at the top, the
    // innermost one (a failed Map or Parallel only says that something inside it failed).
    (scope
      ? model.runs
          .filter((r) => inScope(r, scope) && r.scope === scope)
          .find((r) => r.status === 'waiting' || r.status === 'failed')
      : undefined) ??
    [...model.runs]
      .reverse()
      .find((r) => r.status === 'waiting' || (r.status === 'failed' && !r.children?.length)) ??
    model.runs.filter((r) => r.scope === scope).at(-1) ??
    model.runs.at(-1);
  const effectiveScope = params.has('scope') ? scope : (selected?.scope ?? '');

  const started = execution.startDate?.getTime();
  const stopped = execution.stopDate?.getTime();
  const facts = `<dl class="facts">
<dt>State machine</dt><dd><a href="${href('/state-machine', { arn: execution.stateMachineArn })}">${text(machineName)}</a>${machine.revisionId ? ` <span class="note">revision ${text(machine.revisionId, 40)}</span>` : ''}</dd>
<dt>Started</dt><dd>${time(execution.startDate)}</dd>
<dt>Ended</dt><dd>${execution.stopDate ? time(execution.stopDate) : 'still running'}</dd>
<dt>Duration</dt><dd>${started !== undefined ? duration((stopped ?? Date.now()) - started) : ''}</dd>
<dt>Redriven</dt><dd>${execution.redriveCount ? `${execution.redriveCount} time${execution.redriveCount === 1 ? '' : 's'}${execution.redriveDate ? `, last ${time(execution.redriveDate)}` : ''}` : 'never'}${execution.redriveStatus ? ` <span class="note">(${text(execution.redriveStatus)}${execution.redriveStatusReason ? `: ${text(execution.redriveStatusReason, 200)}` : ''})</span>` : ''}</dd>
<dt>ARN</dt><dd class="mono">${text(arn, 400)}</dd>
</dl>
<div class="cards" role="group" aria-label="Cost">
<div class="card"><div class="value">${model.transitions.toLocaleString('en-US')}</div><div class="label">state transitions</div></div>
<div class="card"><div class="value">$${model.costUsd.toFixed(6)}</div><div class="label">Standard list price, $0.025 per 1,000 transitions (us-east-1, before free tier; Lambda and other services billed apart)</div></div>
<div class="card"><div class="value">${events.length.toLocaleString('en-US')}</div><div class="label">history events (AWS keeps up to 25,000)</div></div>
</div>`;
  const failure =
    execution.error !== undefined || execution.cause !== undefined
      ? `<div class="error" role="alert"><strong>${text(execution.error ?? '', 200)}</strong>${execution.cause ? `<br>${text(execution.cause, 4000)}` : ''}</div>`
      : '';

  const actions: string[] = [];
  if (ctx.mode === 'local') {
    if (execution.status === 'RUNNING')
      actions.push(
        actionForm({
          action: '/actions/stop',
          label: 'Stop…',
          confirm: 'Stop this execution?',
          csrf: ctx.csrf,
          fields: { arn },
          danger: true,
        }),
      );
    if (execution.redriveStatus === 'REDRIVABLE')
      actions.push(
        actionForm({
          action: '/actions/redrive',
          label: 'Redrive…',
          confirm: 'Redrive this execution?',
          csrf: ctx.csrf,
          fields: { arn },
        }),
      );
  }
  const waiting =
    ctx.mode === 'local' && execution.status === 'RUNNING'
      ? model.waiting.map((run) => answerForms(ctx.csrf, arn, run)).join('')
      : '';

  let body: string;
  if (tab === 'events') {
    body = eventsSection(arn, events, params, { reveal });
  } else {
    const marks = marksOf(model.byPath, effectiveScope);
    const graph = await renderGraph(definition, {
      title: `${machineName}: path of ${name}${effectiveScope ? `, ${effectiveScope}` : ''}`,
      marks,
      link: (path) => {
        const run = model.byPath
          .get(path)
          ?.filter((r) => inScope(r, effectiveScope))
          .at(-1);
        return run
          ? `/execution?arn=${encodeURIComponent(arn)}&state=${run.id}${effectiveScope ? `&scope=${encodeURIComponent(effectiveScope)}` : ''}`
          : `/execution?arn=${encodeURIComponent(arn)}${effectiveScope ? `&scope=${encodeURIComponent(effectiveScope)}` : ''}`;
      },
      ...(selected ? { selected: selected.path } : {}),
    });
    const scopeNote = effectiveScope
      ? `<p class="notice">Showing ${escapeHtml(effectiveScope.replace(/#/g, ' #'))} (states inside other iterations and branches are hidden). <a href="${href('/execution', { arn })}&amp;scope=">Show every iteration</a></p>`
      : '';
    const panel = selected
      ? await statePanel(ctx, {
          executionArn: arn,
          run: selected,
          stateDefinition: findStateDefinition(definition, selected.name) as
            | Record<string, unknown>
            | undefined,
          machineLanguage: (definition as { QueryLanguage?: string }).QueryLanguage ?? 'JSONPath',
          reveal,
          runsOfState: (model.byPath.get(selected.path) ?? []).filter(
            (r) => r.scope === selected.scope || !effectiveScope,
          ),
        })
      : '<p class="note">No state entered yet.</p>';
    body = `${scopeNote}<div class="split"><div>${graph}</div><div>${panel}</div></div>`;
  }
  const tabs = `<ul class="tabs" role="list">
<li><a href="${href('/execution', { arn, ...(selected ? { state: selected.id } : {}) })}"${tab === 'graph' ? ' aria-current="page"' : ''}>Graph and state</a></li>
<li><a href="${href('/execution', { arn, tab: 'events' })}"${tab === 'events' ? ' aria-current="page"' : ''}>Events (${events.length.toLocaleString('en-US')})</a></li>
</ul>`;
  const revealLink =
    ctx.mode === 'local'
      ? reveal
        ? `<a href="${href('/execution', { arn, tab: tab === 'events' ? 'events' : '', ...(selected ? { state: selected.id } : {}) })}">Mask secrets again</a>`
        : `<a href="${href('/execution', { arn, reveal: 1, tab: tab === 'events' ? 'events' : '', ...(selected ? { state: selected.id } : {}) })}">Reveal masked values (local only)</a>`
      : '';
  return {
    kind: 'page',
    title: `${name} (${execution.status ?? ''})`,
    section: '/executions',
    main: `<p class="breadcrumbs"><a href="/executions">Executions</a> / <a href="${href('/executions', { machine: execution.stateMachineArn })}">${text(machineName)}</a> /</p>
<h1>${text(name, 120)} ${status(execution.status)}</h1>
${notice ? `<p class="notice" role="status">${escapeHtml(notice)}</p>` : ''}
${failure}
${actions.length ? `<div class="actions">${actions.join('')}</div>` : ''}
${waiting}
${facts}
<details><summary>Execution input and output</summary><h3>Input</h3>${jsonBlock(execution.input ?? model.input, { reveal, label: 'Execution input' })}<h3>Output</h3>${execution.output !== undefined ? jsonBlock(execution.output, { reveal, label: 'Execution output' }) : '<p class="note">None yet.</p>'}</details>
${tabs}
<p>${revealLink}</p>
${body}`,
  };
};

/** For a state waiting on a task token (local only): answer it with success or failure. */
function answerForms(csrf: string, arn: string, run: StateRun): string {
  const id = `answer-${run.id}`;
  const hidden = (outcome: string) =>
    `<input type="hidden" name="csrf" value="${attr(csrf)}"><input type="hidden" name="arn" value="${attr(arn)}"><input type="hidden" name="run" value="${run.enteredEventId}"><input type="hidden" name="outcome" value="${outcome}">`;
  return `<section class="panel" aria-labelledby="${id}">
<h2 id="${id}">${text(run.name)} waits for a task token</h2>
<p class="note">Waiting since ${time(run.enteredAt)}. An operator's tool for local runs: answer it as the task's worker would.</p>
<div class="split">
<form method="post" action="/actions/answer-task">${hidden('success')}
<div class="field"><label for="${id}-output">Output (JSON)</label><textarea id="${id}-output" name="output" rows="4" spellcheck="false">{}</textarea></div>
<p><button type="submit" class="primary">Send success…</button></p></form>
<form method="post" action="/actions/answer-task">${hidden('failure')}
<div class="field"><label for="${id}-error">Error</label><input id="${id}-error" name="error" maxlength="256" value="Operator.Rejected"></div>
<div class="field"><label for="${id}-cause">Cause</label><input id="${id}-cause" name="cause" maxlength="32768"></div>
<p><button type="submit" class="danger">Send failure…</button></p></form>
</div>
</section>`;
}
