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
import { decodeCursor, encodeCursor } from './cursor.ts';

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

/**
 * Where each machine's listing stands: the API token of the page to read (null: the newest), and
 * the execution to go on from (`a`, started at `d`; `i`: that one itself is next, else the one
 * after it). Resuming from an execution rather than an offset keeps executions started between
 * two page loads from shifting what the next page shows.
 */
type Position = { readonly t: string | null; readonly a?: string; readonly d?: number; readonly i?: boolean };
type Cursor = Record<string, Position | 'done'>;

export interface ExecutionPage {
  readonly executions: ExecutionListItem[];
  /** The next page's cursor, absent on the last page. */
  readonly next?: string;
  /** API pages read for this page (a name or time filter scans). */
  readonly scanned: number;
  /** The scan stopped at its budget before the page was full (the next page goes on). */
  readonly partial: boolean;
}

/**
 * API pages one console page may read beyond each machine's first, when a filter the API lacks
 * hides most executions.
 */
const SCAN_BUDGET = 20;

interface Candidate {
  readonly machine: number;
  readonly item: ExecutionListItem;
  /** The page it was read from, to resume at it. */
  readonly token: string | null;
}

interface MachineRead {
  readonly candidates: Candidate[];
  /** Where to go on when none of its candidates is left over. */
  readonly after: Position | 'done';
}

const startOf = (item: ExecutionListItem) => item.startDate?.getTime() ?? 0;

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
  const scanning = Boolean(filter.namePrefix || filter.to !== undefined);
  const fetchSize = scanning ? 1000 : Math.min(1000, pageSize + 1);
  let budget = SCAN_BUDGET;
  let scanned = 0;
  let partial = false;

  const readMachine = async (machine: string, index: number): Promise<MachineRead> => {
    const at = cursor[machine];
    if (at === undefined || at === 'done') return { candidates: [], after: 'done' };
    const candidates: Candidate[] = [];
    let token = at.t;
    // Skipping up to the execution the cursor names (it may have moved to a later page).
    let skipping = at.a !== undefined;
    let last: Position = at;
    for (let first = true; ; first = false) {
      if (!first) {
        if (budget <= 0) {
          partial = true;
          return { candidates, after: last };
        }
        budget--;
      }
      const page = await ctx.clients.sfn.send(
        new ListExecutionsCommand({
          stateMachineArn: machine,
          maxResults: fetchSize,
          ...(filter.status ? { statusFilter: filter.status } : {}),
          ...(token ? { nextToken: token } : {}),
        }),
      );
      scanned++;
      for (const item of page.executions ?? []) {
        if (skipping) {
          if (item.executionArn === at.a) {
            skipping = false;
            if (!at.i) continue;
          } else if (startOf(item) < (at.d ?? 0)) {
            skipping = false;
          } else continue;
        }
        if (filter.from !== undefined && startOf(item) < filter.from) return { candidates, after: 'done' };
        last = { t: token, a: item.executionArn ?? '', d: startOf(item) };
        if (!matches(item, filter)) continue;
        candidates.push({ machine: index, item, token });
        if (candidates.length >= pageSize) return { candidates, after: last };
      }
      if (!page.nextToken) return { candidates, after: 'done' };
      token = page.nextToken;
      last = { t: token };
    }
  };

  // Each machine's first page at once; the scans beyond them share the budget.
  const reads = await Promise.all(filter.machines.map(readMachine));
  // Newest first; a stable sort keeps each machine's own order (the API's) among equal times.
  const candidates = reads.flatMap((r) => r.candidates).sort((a, b) => startOf(b.item) - startOf(a.item));
  const shown = candidates.slice(0, pageSize);
  const next: Cursor = {};
  filter.machines.forEach((machine, index) => {
    const leftover = candidates.slice(pageSize).find((c) => c.machine === index);
    next[machine] = leftover
      ? { t: leftover.token, a: leftover.item.executionArn ?? '', d: startOf(leftover.item), i: true }
      : (reads[index]?.after ?? 'done');
  });
  const more = Object.values(next).some((v) => v !== 'done');
  return {
    executions: shown.map((c) => c.item),
    ...(more ? { next: encodeCursor(next) } : {}),
    scanned,
    partial,
  };
}

function matches(item: ExecutionListItem, filter: ExecutionFilter): boolean {
  if (filter.namePrefix && !(item.name ?? '').startsWith(filter.namePrefix)) return false;
  // "Started before": the bound itself is not in the range.
  if (filter.to !== undefined && startOf(item) >= filter.to) return false;
  return true;
}

function readCursor(text: string | undefined, machines: readonly string[]): Cursor {
  const fresh: Cursor = Object.fromEntries(machines.map((m) => [m, { t: null }]));
  if (!text) return fresh;
  const parsed = decodeCursor(text, 'page');
  const cursor: Cursor = {};
  for (const machine of machines) {
    const at = parsed[machine];
    if (at === 'done' || at === null || typeof at !== 'object') {
      cursor[machine] = 'done';
      continue;
    }
    const { t, a, d, i } = at as Record<string, unknown>;
    cursor[machine] = {
      t: typeof t === 'string' ? t : null,
      ...(typeof a === 'string' ? { a } : {}),
      ...(typeof d === 'number' ? { d } : {}),
      ...(i === true ? { i: true } : {}),
    };
  }
  return cursor;
}

/** Each client's copies of ended executions' histories (two consoles in one process keep apart). */
const closedHistories = new WeakMap<object, Map<string, { events: HistoryEvent[]; bytes: number }>>();
/** At most this much history is kept, and no single history above half of it. */
const CACHE_BYTES = 64 * 1024 * 1024;

/**
 * An execution's whole history, oldest first (up to 25,000 events: AWS's limit). `closed` names
 * the state of an ended execution (its stop date and redrive count): its history is kept under
 * that name, since it changes only when the execution is redriven. A running one is read anew.
 */
export async function readHistory(
  ctx: ConsoleContext,
  executionArn: string,
  closed?: string,
): Promise<HistoryEvent[]> {
  let cache = closedHistories.get(ctx.clients.sfn);
  if (!cache) {
    cache = new Map();
    closedHistories.set(ctx.clients.sfn, cache);
  }
  const key = `${executionArn}\n${closed ?? ''}`;
  const cached = closed === undefined ? undefined : cache.get(key);
  if (cached) {
    // Most recently used last.
    cache.delete(key);
    cache.set(key, cached);
    return cached.events;
  }
  const events: HistoryEvent[] = [];
  let bytes = 0;
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
    for (const event of page.events ?? []) {
      events.push(event);
      bytes += approximateSize(event);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  if (closed !== undefined && bytes <= CACHE_BYTES / 2) {
    for (const old of cache.keys()) if (old.startsWith(`${executionArn}\n`)) cache.delete(old);
    cache.set(key, { events, bytes });
    let total = 0;
    for (const entry of cache.values()) total += entry.bytes;
    for (const [oldest, entry] of cache) {
      if (total <= CACHE_BYTES) break;
      cache.delete(oldest);
      total -= entry.bytes;
    }
  }
  return events;
}

/** An event's size, near enough: its payload strings (input, output, parameters) dominate. */
function approximateSize(event: HistoryEvent): number {
  let size = 200;
  for (const value of Object.values(event)) {
    if (value && typeof value === 'object' && !(value instanceof Date)) {
      for (const inner of Object.values(value)) if (typeof inner === 'string') size += inner.length * 2;
    }
  }
  return size;
}
