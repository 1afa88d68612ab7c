/**
 * `/executions`: executions of one state machine or of all, newest first, filtered by status
 * (by the API), name prefix and start time (while paging), a page at a time. The filter lives
 * in the address, so refreshing or sharing the page keeps it.
 */
import type { ExecutionListItem, ExecutionStatus } from '@aws-sdk/client-sfn';
import { ConsoleError, type ConsoleHandler } from '../context.ts';
import { attr, duration, escapeHtml, href, status, table, text, time } from '../html.ts';
import { EXECUTION_STATUSES, listExecutions, listStateMachines } from '../sfn.ts';

const PAGE_SIZES = [25, 50, 100, 200] as const;

export const EXECUTION_HEADERS = ['Name', 'Status', 'State machine', 'Started', 'Ended', 'Duration'];

/** Table rows of executions; the machine column names the machine from its ARN. */
export function executionRows(executions: readonly ExecutionListItem[], withMachine = true): string[][] {
  return executions.map((e) => {
    const started = e.startDate?.getTime();
    const stopped = e.stopDate?.getTime();
    const machineName = (e.stateMachineArn ?? '').split(':').at(-1) ?? '';
    return [
      `<a href="${href('/execution', { arn: e.executionArn })}">${text(e.name ?? '', 80)}</a>${e.redriveCount ? ` <span class="note">redriven ×${e.redriveCount}</span>` : ''}`,
      status(e.status),
      withMachine
        ? `<a href="${href('/state-machine', { arn: e.stateMachineArn })}">${text(machineName, 60)}</a>`
        : text(machineName, 60),
      time(e.startDate),
      time(e.stopDate),
      started !== undefined && stopped !== undefined
        ? duration(stopped - started)
        : e.status === 'RUNNING'
          ? 'running'
          : '',
    ];
  });
}

/** `2026-12-06T10:00` (a datetime-local field, read as UTC) to epoch ms. */
function instant(value: string | null, field: string): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(ms))
    throw new ConsoleError(
      `The ${field} time "${value}" is not a date and time (e.g. 2026-12-06T10:00, UTC).`,
    );
  return ms;
}

export const executionsPage: ConsoleHandler = async (ctx, request) => {
  const params = request.url.searchParams;
  const machines = (await listStateMachines(ctx)).filter((m) => m.type !== 'EXPRESS');
  const chosen = params.get('machine') ?? '';
  if (chosen && !machines.some((m) => m.stateMachineArn === chosen)) {
    throw new ConsoleError(`No Standard state machine ${chosen} here; pick one from the list.`, 404);
  }
  const statusParam = params.get('status') ?? '';
  if (statusParam && !(EXECUTION_STATUSES as readonly string[]).includes(statusParam)) {
    throw new ConsoleError(`Unknown status "${statusParam}": one of ${EXECUTION_STATUSES.join(', ')}.`);
  }
  const size = Number(params.get('size') ?? 50);
  if (!(PAGE_SIZES as readonly number[]).includes(size))
    throw new ConsoleError(`Page size is one of ${PAGE_SIZES.join(', ')}.`);
  const namePrefix = params.get('prefix') ?? '';
  const fromText = params.get('from') ?? '';
  const toText = params.get('to') ?? '';
  const from = instant(fromText, 'from');
  const to = instant(toText, 'to');
  const page = await listExecutions(
    ctx,
    {
      machines: chosen ? [chosen] : machines.map((m) => m.stateMachineArn ?? ''),
      ...(statusParam ? { status: statusParam as ExecutionStatus } : {}),
      ...(namePrefix ? { namePrefix } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    },
    size,
    params.get('page') ?? undefined,
  );
  const filter = {
    machine: chosen,
    status: statusParam,
    prefix: namePrefix,
    from: fromText,
    to: toText,
    size: size === 50 ? '' : String(size),
  };
  const machineOptions = [`<option value="">All state machines</option>`]
    .concat(
      machines.map(
        (m) =>
          `<option value="${attr(m.stateMachineArn ?? '')}"${m.stateMachineArn === chosen ? ' selected' : ''}>${escapeHtml(m.name ?? '')}</option>`,
      ),
    )
    .join('');
  const statusOptions = ['<option value="">Any status</option>']
    .concat(EXECUTION_STATUSES.map((s) => `<option${s === statusParam ? ' selected' : ''}>${s}</option>`))
    .join('');
  const sizeOptions = PAGE_SIZES.map((s) => `<option${s === size ? ' selected' : ''}>${s}</option>`).join('');
  const scanNote = page.partial
    ? `<p class="notice" role="status">The filter matched ${page.executions.length} execution${page.executions.length === 1 ? '' : 's'} in the ${page.scanned} pages read so far (the API filters by status only); the next page reads on.</p>`
    : '';
  const nextLink = page.next
    ? `<a rel="next" href="${href('/executions', { ...filter, page: page.next })}">Next page</a>`
    : '<span class="note">Last page</span>';
  const first = params.get('page') ? `<a href="${href('/executions', filter)}">First page</a>` : '';
  return {
    kind: 'page',
    title: 'Executions',
    section: '/executions',
    main: `<h1>Executions</h1>
<form class="filters" method="get" action="/executions" role="search" aria-label="Filter executions">
<div><label for="f-machine">State machine</label><select id="f-machine" name="machine">${machineOptions}</select></div>
<div><label for="f-status">Status</label><select id="f-status" name="status">${statusOptions}</select></div>
<div><label for="f-prefix">Name starts with</label><input id="f-prefix" name="prefix" value="${attr(namePrefix)}" maxlength="80"></div>
<div><label for="f-from">Started from (UTC)</label><input id="f-from" type="datetime-local" name="from" value="${attr(fromText)}"></div>
<div><label for="f-to">Started before (UTC)</label><input id="f-to" type="datetime-local" name="to" value="${attr(toText)}"></div>
<div><label for="f-size">Per page</label><select id="f-size" name="size">${sizeOptions}</select></div>
<div><button type="submit" class="primary">Apply</button> <a class="button" href="${href('/executions', filter)}">Refresh</a> <a href="/executions">Clear</a></div>
</form>
${scanNote}
${table('Executions', EXECUTION_HEADERS, executionRows(page.executions), 'no execution matches.')}
<nav class="pager" aria-label="Pages">${first}${nextLink}</nav>`,
  };
};
