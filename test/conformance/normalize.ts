/**
 * Turns the engine's history into the corpus's normalised form (corpus README, "Normalisation
 * rules"): timestamps dropped (rule 4); `input`, `output`, `parameters` and the values of
 * `assignedVariables` parsed from JSON text (rule 1); a `cause` that is JSON text starting with
 * `{` parsed (rule 2). Nested JSON strings inside a payload stay strings.
 */

export type NormalEvent = Record<string, unknown> & { readonly type: string };

/** One entry of expected.json `states`: the condensed StateEntered/StateExited view. */
export interface StateView {
  readonly type: string;
  readonly name: unknown;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly assignedVariables?: unknown;
}

const PAYLOAD_KEYS = new Set(['input', 'output', 'parameters']);

/** Parses JSON text; answers the text itself when it is not JSON (the recorder kept those as text). */
export function parsePayload(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** Rule 2: a cause that is JSON text starting with `{` is compared parsed. */
export function normalizeCause(cause: unknown): unknown {
  if (typeof cause !== 'string' || !cause.startsWith('{')) return cause;
  const parsed = parsePayload(cause);
  return typeof parsed === 'object' && parsed !== null ? parsed : cause;
}

function normalizeDetails(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    if (PAYLOAD_KEYS.has(key)) out[key] = parsePayload(value);
    else if (key === 'cause') out[key] = normalizeCause(value);
    else if (key === 'assignedVariables' && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, parsePayload(v)]));
    } else out[key] = value;
  }
  return out;
}

/** Normalises one engine event: plain JSON, no timestamp, payloads parsed. */
export function normalizeEvent(event: object): NormalEvent {
  // A JSON round trip drops undefined members and turns Dates into text, as the AWS wire does.
  const plain = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(plain)) {
    if (key === 'timestamp') continue;
    const isDetails = key.endsWith('EventDetails') && typeof value === 'object' && value !== null;
    out[key] = isDetails ? normalizeDetails(value as Record<string, unknown>) : value;
  }
  if (typeof out.type !== 'string')
    throw new TypeError(`engine event without a type: ${JSON.stringify(event)}`);
  return out as NormalEvent;
}

export function normalizeEvents(events: readonly object[]): NormalEvent[] {
  return events.map(normalizeEvent);
}

/** The condensed `states` view of expected.json, derived from normalised events. */
export function condenseStates(events: readonly NormalEvent[]): StateView[] {
  const views: StateView[] = [];
  for (const event of events) {
    if (event.type.endsWith('StateEntered')) {
      const d = (event.stateEnteredEventDetails ?? {}) as Record<string, unknown>;
      views.push({ type: event.type, name: d.name, input: d.input });
    } else if (event.type.endsWith('StateExited')) {
      const d = (event.stateExitedEventDetails ?? {}) as Record<string, unknown>;
      views.push({
        type: event.type,
        name: d.name,
        output: d.output,
        ...('assignedVariables' in d ? { assignedVariables: d.assignedVariables } : {}),
      });
    }
  }
  return views;
}

/** The id the recorder gave events inside a sorted Parallel sublist (a Python tuple `(0,)`). */
export const SORTED_ID: readonly number[] = [0];

export function isSortedMarker(event: Readonly<Record<string, unknown>>): boolean {
  return Array.isArray(event.id) && event.id.length === 1 && event.id[0] === 0;
}

const PARALLEL_END = new Set([
  'ParallelStateSucceeded',
  'ParallelStateAborted',
  'ParallelStateExited',
  'ParallelStateFailed',
]);

/**
 * Applies to the engine's events what the recorder's Parallel transformer did to AWS's (corpus
 * README rule 8; LocalStack's `SfnNoneRecursiveParallelTransformer`): events after a
 * ParallelStateStarted get id `[0]` and previousEventId 0, and at each ParallelState
 * Succeeded/Aborted/Exited/Failed the slice from the sublist start is replaced by the sublist.
 * That replacement also drops events (e.g. ParallelStateSucceeded before ParallelStateExited), and
 * the recorded histories carry that loss, so it is reproduced exactly. The recorder then sorted
 * each sublist by JSON text; this harness compares sublists as multisets instead (see
 * `alignSortedRuns`), so the order is left alone here.
 */
export function emulateParallelSort(events: readonly NormalEvent[]): NormalEvent[] {
  const list = [...events];
  let start: number | undefined;
  let sublist: NormalEvent[] = [];
  let inSublist = false;
  for (let i = 0; i < list.length; i++) {
    const event = list[i] as NormalEvent;
    if (PARALLEL_END.has(event.type)) {
      // Python's `events[start:i] = sublist` (`start` None meaning 0) inside `enumerate(events)`:
      // the loop goes on at index i + 1 of the shortened list, skipping an event, as there.
      const from = start ?? 0;
      list.splice(from, i - from, ...sublist);
      inSublist = false;
    } else if (event.type === 'ParallelStateStarted') {
      inSublist = true;
      sublist = [];
      start = i + 1;
    } else if (inSublist) {
      const marked = { ...event, id: [...SORTED_ID], previousEventId: 0 };
      list[i] = marked;
      sublist.push(marked);
    }
  }
  return list;
}
