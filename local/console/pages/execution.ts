/**
 * `/execution?arn=`: one execution. The definition's graph with the path taken (each state
 * coloured by its outcome; a Map iteration or a Parallel branch chosen with `scope`), the
 * selected state in detail (`state`: its StateEntered event id), the event history (`tab=events`),
 * what it cost, and what an operator can do to it.
 */
import { DescribeStateMachineForExecutionCommand } from '@aws-sdk/client-sfn';
import { ConsoleError, type ConsoleHandler } from '../context.ts';
import { renderGraph, type StateMark } from '../graph.ts';
import { buildExecutionModel, type StateRun, stateNamed } from '../history.ts';
import {
  actionForm,
  attr,
  duration,
  escapeHtml,
  href,
  jsonBlock,
  secretText,
  status,
  text,
  time,
} from '../html.ts';
import { describeExecution, describeStateMachine, parseDefinitionText, readHistory } from '../sfn.ts';
import { eventsSection } from './execution-events.ts';
import { describeScope, statePanel } from './execution-state.ts';
import { timeline } from './execution-timeline.ts';

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
    // On AWS, the definition the execution ran (the machine may have changed since). The local
    // endpoint keeps no definition per execution, so it is asked for the machine's own.
    ctx.mode === 'aws'
      ? ctx.clients.sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: arn }))
      : describeStateMachine(ctx, execution.stateMachineArn ?? ''),
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
  const tabParam = params.get('tab');
  const tab = tabParam === 'events' || tabParam === 'timeline' ? tabParam : 'graph';
  // A redrive runs the unsuccessful states again: their failed runs before it are history, not
  // the outcome, once a later run of the same state (in the same scope) exists.
  const redrivenAt = events.filter((e) => e.type === 'ExecutionRedriven').at(-1)?.id ?? 0;
  const superseded = new Set(
    model.runs.filter(
      (r) =>
        r.enteredEventId < redrivenAt &&
        (r.status === 'failed' || r.status === 'aborted') &&
        (model.byPath.get(r.path) ?? []).some(
          (later) => later.scope === r.scope && later.enteredEventId > redrivenAt,
        ),
    ),
  );
  const current = model.runs.filter((r) => !superseded.has(r));
  const currentByPath = new Map(
    [...model.byPath].map(([path, runs]) => [path, runs.filter((r) => !superseded.has(r))] as const),
  );
  const scope = params.get('scope') ?? '';
  const machineName = (execution.stateMachineArn ?? '').split(':').at(-1) ?? '';
  const name = execution.name ?? arn;
  const done = params.get('done') ?? '';
  const notice = Object.hasOwn(NOTICES, done) ? NOTICES[done] : undefined;

  const selected =
    model.runs.find((r) => r.id === params.get('state')) ??
    // Inside an opened iteration or branch, its own waiting or failed state; at the top, the
    // innermost one (a failed Map or Parallel only says that something inside it failed).
    (scope
      ? model.runs
          .filter((r) => inScope(r, scope) && r.scope === scope)
          .find((r) => r.status === 'waiting' || r.status === 'failed')
      : undefined) ??
    [...current]
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
      ? `<div class="error" role="alert"><strong>${text(execution.error ?? '', 200)}</strong>${execution.cause ? `<br>${secretText(execution.cause, 4000, reveal)}` : ''}</div>`
      : '';

  const actions: string[] = [];
  if (ctx.mode === 'local') {
    if (execution.status === 'RUNNING')
      actions.push(
        actionForm({
          action: '/actions/stop',
          label: 'Stop…',
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
          csrf: ctx.csrf,
          fields: { arn },
        }),
      );
  }
  const waiting =
    ctx.mode === 'local' && execution.status === 'RUNNING'
      ? model.waiting.map((run) => answerForms(ctx.csrf, arn, run)).join('')
      : '';

  const statePanelHtml = async (): Promise<string> =>
    selected
      ? await statePanel(ctx, {
          executionArn: arn,
          run: selected,
          stateDefinition: stateNamed(definition, selected.name) as Record<string, unknown> | undefined,
          machineLanguage: (definition as { QueryLanguage?: string }).QueryLanguage ?? 'JSONPath',
          reveal,
          runsOfState: (model.byPath.get(selected.path) ?? []).filter(
            (r) => r.scope === selected.scope || !effectiveScope,
          ),
        })
      : '<p class="note">No state entered yet.</p>';

  let body: string;
  if (tab === 'events') {
    body = eventsSection(arn, events, params, { reveal });
  } else if (tab === 'timeline') {
    const level = model.runs.filter((r) => r.scope === effectiveScope);
    const start = level[0]?.enteredAt.getTime() ?? execution.startDate?.getTime() ?? 0;
    const end = Math.max(
      start + 1,
      ...level.map((r) => r.exitedAt?.getTime() ?? execution.stopDate?.getTime() ?? Date.now()),
    );
    const bars = timeline(level, {
      start,
      end,
      title: `Timeline of ${name}${effectiveScope ? `, ${effectiveScope}` : ''}`,
      link: (run) =>
        `/execution?arn=${encodeURIComponent(arn)}&tab=timeline&state=${run.id}&scope=${encodeURIComponent(run.scope)}`,
      ...(selected ? { selected } : {}),
    });
    body = `${bars}${await statePanelHtml()}`;
  } else {
    const marks = marksOf(currentByPath, effectiveScope);
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
      ? `<p class="notice">Showing ${escapeHtml(scopeWords(model.runs, effectiveScope))} (states inside other iterations and branches are hidden). <a href="${href('/execution', { arn })}&amp;scope=">Show every iteration</a></p>`
      : '';
    body = `${scopeNote}<div class="split"><div>${graph}</div><div>${await statePanelHtml()}</div></div>`;
  }
  const tabs = `<ul class="tabs" role="list">
<li><a href="${href('/execution', { arn, ...(selected ? { state: selected.id } : {}) })}"${tab === 'graph' ? ' aria-current="page"' : ''}>Graph and state</a></li>
<li><a href="${href('/execution', { arn, tab: 'timeline', ...(selected ? { state: selected.id } : {}), ...(effectiveScope ? { scope: effectiveScope } : {}) })}"${tab === 'timeline' ? ' aria-current="page"' : ''}>Timeline</a></li>
<li><a href="${href('/execution', { arn, tab: 'events' })}"${tab === 'events' ? ' aria-current="page"' : ''}>Events (${events.length.toLocaleString('en-US')})</a></li>
</ul>`;
  const tabName = tab === 'graph' ? '' : tab;
  const revealLink =
    ctx.mode === 'local'
      ? reveal
        ? `<a href="${href('/execution', { arn, tab: tabName, ...(selected ? { state: selected.id } : {}) })}">Mask secrets again</a>`
        : `<a href="${href('/execution', { arn, reveal: 1, tab: tabName, ...(selected ? { state: selected.id } : {}) })}">Reveal masked values (local only)</a>`
      : '';
  // A running execution's page can keep itself fresh (the script reloads it; off by default).
  const live = execution.status === 'RUNNING' && params.get('live') === '1';
  const liveLink =
    execution.status !== 'RUNNING'
      ? ''
      : live
        ? ` · <a href="${href('/execution', { arn, tab: tabName, ...(selected ? { state: selected.id } : {}) })}">Stop refreshing</a><span hidden data-refresh-seconds="5"></span>`
        : ` · <a href="${href('/execution', { arn, live: 1, tab: tabName, ...(selected ? { state: selected.id } : {}) })}">Refresh every 5 s</a>`;
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
<p>${revealLink}${liveLink}</p>
${body}`,
  };
};

/** The scope `Process#3/Both#0` in words, from a run inside it: `iteration 3 of Process › branch 1 of Both`. */
function scopeWords(runs: readonly StateRun[], scope: string): string {
  const inside = runs.find((r) => r.scope === scope);
  return inside ? inside.scopes.map(describeScope).join(' › ') : scope;
}

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
