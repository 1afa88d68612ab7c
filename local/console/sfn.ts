/**
 * What the console reads from Step Functions, through its public API only: state machines,
 * executions (paged and filtered as the operator asks, with a bounded scan where the API has no
 * filter), and whole histories (cached once an execution has ended: a closed history never changes).
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  DescribeStateMachineCommand,
  type DescribeStateMachineOutput,
  type ExecutionListItem,
  type ExecutionStatus,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  type StateMachineListItem,
} from '@aws-sdk/client-sfn';
import { type ConsoleContext, ConsoleError } from './context.ts';

export const EXECUTION_STATUSES = [
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
] as const;

export async function listStateMachines(ctx: ConsoleContext): Promise<StateMachineListItem[]> {
  const machines: StateMachineListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ctx.clients.sfn.send(new ListStateMachinesCommand({ maxResults: 1000, nextToken }));
    machines.push(...(page.stateMachines ?? []).filter((m) => (m.name ?? '').startsWith(ctx.prefix)));
    nextToken = page.nextToken;
  } while (nextToken);
  return machines.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
}

export function describeStateMachine(ctx: ConsoleContext, arn: string): Promise<DescribeStateMachineOutput> {
  return ctx.clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
}

export function describeExecution(ctx: ConsoleContext, arn: string): Promise<DescribeExecutionOutput> {
  return ctx.clients.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
}

/** The parsed definition, or a ConsoleError that says the text is not JSON. */
export function parseDefinitionText(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    throw new ConsoleError('The state machine definition is not JSON; the console cannot draw it.', 502);
  }
}

export interface ExecutionFilter {
  /** The state machines to list; every listed one when empty. */
  readonly machines: readonly string[];
  readonly status?: ExecutionStatus;
  readonly namePrefix?: string;
  /** Started at or after / before, epoch ms. */
  readonly from?: number;
  readonly to?: number;
}

/** Where each machine's listing stands: the API's token for the page, and how far into it we are. */
type Cursor = Record<string, { readonly t: string | null; readonly o: number } | 'done'>;

export interface ExecutionPage {
  readonly executions: ExecutionListItem[];
  /** The next page's cursor, absent on the last page. */
  readonly next?: string;
  /** API pages read for this page (a name or time filter scans). */
  readonly scanned: number;
  /** The scan stopped at its budget before the page was full (the next page goes on). */
  readonly partial: boolean;
}

/** API pages one console page may read when a filter the API lacks hides most executions. */
const SCAN_BUDGET = 20;

/**
 * One page of executions, newest first, across the filter's machines. The API filters by status
 * itself; the name prefix and the time range are applied here while paging, within a budget.
 * Its pages are newest first, so a listing stops at the first execution older than `from`.
 */
export async function listExecutions(
  ctx: ConsoleContext,
  filter: ExecutionFilter,
  pageSize: number,
  cursorText?: string,
): Promise<ExecutionPage> {
  const cursor = readCursor(cursorText, filter.machines);
  const candidates: { arn: string; item: ExecutionListItem; position: number; token: string | null }[] = [];
  let scanned = 0;
  let partial = false;
  const fetchSize = Math.min(
    1000,
    Math.max(pageSize + 1, filter.namePrefix || filter.to ? 1000 : pageSize + 1),
  );
  const ends = new Map<string, { token: string | null; length: number; next?: string }>();
  for (const machine of filter.machines) {
    let at = cursor[machine];
    let taken = 0;
    while (at !== 'done' && at !== undefined && taken < pageSize) {
      if (scanned >= SCAN_BUDGET) {
        partial = true;
        break;
      }
      const page = await ctx.clients.sfn.send(
        new ListExecutionsCommand({
          stateMachineArn: machine,
          maxResults: fetchSize,
          ...(filter.status ? { statusFilter: filter.status } : {}),
          ...(at.t ? { nextToken: at.t } : {}),
        }),
      );
      scanned++;
      const items = page.executions ?? [];
      ends.set(`${machine}\n${at.t ?? ''}`, {
        token: at.t,
        length: items.length,
        ...(page.nextToken ? { next: page.nextToken } : {}),
      });
      let stop = false;
      for (let i = at.o; i < items.length && taken < pageSize; i++) {
        const item = items[i] as ExecutionListItem;
        const started = item.startDate?.getTime() ?? 0;
        if (filter.from !== undefined && started < filter.from) {
          stop = true;
          break;
        }
        if (!matches(item, filter)) continue;
        candidates.push({ arn: machine, item, position: i, token: at.t });
        taken++;
      }
      if (stop) {
        at = 'done';
        cursor[machine] = 'done';
        break;
      }
      if (taken >= pageSize) break;
      at = page.nextToken ? { t: page.nextToken, o: 0 } : 'done';
      cursor[machine] = at;
    }
  }
  candidates.sort(
    (a, b) =>
      (b.item.startDate?.getTime() ?? 0) - (a.item.startDate?.getTime() ?? 0) ||
      (b.item.name ?? '').localeCompare(a.item.name ?? ''),
  );
  const shown = candidates.slice(0, pageSize);
  // Each machine resumes right after the last of its executions shown; one with none shown
  // resumes where it was (its candidates were newer than nothing shown, so it keeps them).
  const next: Cursor = { ...cursor };
  for (const machine of filter.machines) {
    const own = candidates.filter((c) => c.arn === machine);
    const shownOwn = shown.filter((c) => c.arn === machine);
    if (own.length === 0) continue;
    const last = shownOwn.at(-1);
    const firstUnshown = own[shownOwn.length];
    if (firstUnshown) {
      next[machine] = { t: firstUnshown.token, o: firstUnshown.position };
    } else if (last) {
      const end = ends.get(`${machine}\n${last.token ?? ''}`);
      next[machine] =
        end && last.position + 1 < end.length
          ? { t: last.token, o: last.position + 1 }
          : end?.next
            ? { t: end.next, o: 0 }
            : 'done';
      if (cursor[machine] === 'done') next[machine] = 'done';
    }
  }
  const more = Object.values(next).some((v) => v !== 'done');
  return {
    executions: shown.map((c) => c.item),
    ...(more ? { next: writeCursor(next) } : {}),
    scanned,
    partial,
  };
}

function matches(item: ExecutionListItem, filter: ExecutionFilter): boolean {
  if (filter.namePrefix && !(item.name ?? '').startsWith(filter.namePrefix)) return false;
  const started = item.startDate?.getTime() ?? 0;
  if (filter.to !== undefined && started > filter.to) return false;
  return true;
}

function readCursor(text: string | undefined, machines: readonly string[]): Cursor {
  const fresh: Cursor = Object.fromEntries(machines.map((m) => [m, { t: null, o: 0 }]));
  if (!text) return fresh;
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    const cursor: Cursor = {};
    for (const machine of machines) {
      const at = parsed[machine];
      cursor[machine] =
        at === 'done'
          ? 'done'
          : at && typeof at === 'object' && Number.isInteger(at.o) && at.o >= 0
            ? { t: typeof at.t === 'string' ? at.t : null, o: at.o }
            : 'done';
    }
    return cursor;
  } catch {
    throw new ConsoleError(
      'The page link is damaged (its cursor is not one the console wrote); start again from the first page.',
    );
  }
}

function writeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** Histories of ended executions, kept: they never change. Bounded by count. */
const closedHistories = new Map<string, HistoryEvent[]>();
const CACHED_HISTORIES = 20;

/** An execution's whole history, oldest first (up to 25,000 events: AWS's limit). */
export async function readHistory(
  ctx: ConsoleContext,
  executionArn: string,
  ended: boolean,
): Promise<HistoryEvent[]> {
  const key = `${ctx.region}\n${executionArn}`;
  const cached = closedHistories.get(key);
  if (cached) return cached;
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ctx.clients.sfn.send(
      new GetExecutionHistoryCommand({
        executionArn,
        maxResults: 1000,
        includeExecutionData: true,
        nextToken,
      }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  if (ended) {
    closedHistories.set(key, events);
    if (closedHistories.size > CACHED_HISTORIES)
      closedHistories.delete(closedHistories.keys().next().value as string);
  }
  return events;
}
