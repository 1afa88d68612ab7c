/**
 * The service calls of a recorded history: each TaskScheduled / LambdaFunctionScheduled event with
 * its TaskSubmitted (for `.sync` and `.waitForTaskToken`) and its outcome, found by following
 * previousEventId links, or within a sorted Parallel sublist where ids are gone (README rule 8).
 */
import { isSortedMarker, type NormalEvent } from './normalize.ts';

export type Outcome =
  | { readonly kind: 'succeeded'; readonly output: unknown }
  | { readonly kind: 'failed'; readonly error?: string; readonly cause?: unknown }
  /** Timed out, or still running when the execution ended: the service never answered. */
  | { readonly kind: 'silent' };

export interface RecordedCall {
  /** Position of the Scheduled event in the recorded events. */
  readonly index: number;
  readonly family: 'task' | 'lambda-function';
  readonly resourceType?: string;
  readonly resource?: string;
  readonly arguments: unknown;
  readonly stateName?: string;
  /** The TaskSubmitted output of a `.sync` or `.waitForTaskToken` call. */
  readonly submitted?: { readonly output: unknown };
  readonly outcome: Outcome;
}

const FAMILIES = {
  task: {
    argumentsKey: 'parameters',
    started: 'TaskStarted',
    submitted: 'TaskSubmitted',
    succeeded: 'TaskSucceeded',
    failed: ['TaskFailed', 'TaskStartFailed', 'TaskSubmitFailed'],
    timedOut: 'TaskTimedOut',
  },
  'lambda-function': {
    argumentsKey: 'input',
    started: 'LambdaFunctionStarted',
    submitted: undefined,
    succeeded: 'LambdaFunctionSucceeded',
    failed: ['LambdaFunctionFailed', 'LambdaFunctionStartFailed', 'LambdaFunctionScheduleFailed'],
    timedOut: 'LambdaFunctionTimedOut',
  },
} as const;
type Family = (typeof FAMILIES)[keyof typeof FAMILIES];

function details(event: NormalEvent): Record<string, unknown> {
  const key = Object.keys(event).find((k) => k.endsWith('EventDetails'));
  const value = key === undefined ? undefined : event[key];
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** A recorded history, indexed for following previousEventId links both ways. */
class Recording {
  readonly byId = new Map<unknown, NormalEvent>();
  private readonly children = new Map<unknown, number[]>();
  private readonly claimed = new Set<number>();

  constructor(readonly events: readonly NormalEvent[]) {
    events.forEach((e, i) => {
      if (isSortedMarker(e)) return;
      this.byId.set(e.id, e);
      const list = this.children.get(e.previousEventId) ?? [];
      list.push(i);
      this.children.set(e.previousEventId, list);
    });
  }

  /** The events that may follow `from`: its children by previousEventId, or its sorted Parallel sublist. */
  private followers(from: number): number[] {
    const { events } = this;
    const origin = events[from] as NormalEvent;
    if (!isSortedMarker(origin)) return this.children.get(origin.id) ?? [];
    // Ids inside a sorted sublist are all [0] (README rule 8): any event of the sublist may follow.
    let lo = from;
    let hi = from;
    while (lo > 0 && isSortedMarker(events[lo - 1] as NormalEvent)) lo--;
    while (hi + 1 < events.length && isSortedMarker(events[hi + 1] as NormalEvent)) hi++;
    return Array.from({ length: hi - lo + 1 }, (_, k) => lo + k).filter((i) => i !== from);
  }

  /** Claims the first unclaimed follower of `from` whose type is one of `types`. */
  take(from: number, types: readonly string[]): number | undefined {
    const i = this.followers(from).find(
      (j) => !this.claimed.has(j) && types.includes((this.events[j] as NormalEvent).type),
    );
    if (i !== undefined) this.claimed.add(i);
    return i;
  }
}

function outcomeOf(event: NormalEvent | undefined, family: Family): Outcome {
  if (event === undefined || event.type === family.timedOut) return { kind: 'silent' };
  const d = details(event);
  if (event.type === family.succeeded) return { kind: 'succeeded', output: d.output };
  return {
    kind: 'failed',
    ...(typeof d.error === 'string' ? { error: d.error } : {}),
    ...('cause' in d ? { cause: d.cause } : {}),
  };
}

/** The name of the state whose Scheduled event this is, found by walking previousEventId back. */
function stateNameOf(recording: Recording, index: number): string | undefined {
  let event = recording.events[index];
  for (let hops = 0; event && hops < 1000; hops++) {
    if (event.type.endsWith('StateEntered')) {
      const name = details(event).name;
      return typeof name === 'string' ? name : undefined;
    }
    if (isSortedMarker(event) || event.previousEventId === 0) return undefined;
    event = recording.byId.get(event.previousEventId);
  }
  return undefined;
}

/** Reads the service calls and their outcomes out of a recorded (normalised) history. */
export function recordedCalls(events: readonly NormalEvent[]): RecordedCall[] {
  const recording = new Recording(events);
  const calls: RecordedCall[] = [];
  events.forEach((event, index) => {
    const familyName =
      event.type === 'TaskScheduled'
        ? 'task'
        : event.type === 'LambdaFunctionScheduled'
          ? 'lambda-function'
          : undefined;
    if (familyName === undefined) return;
    const family: Family = FAMILIES[familyName];
    const d = details(event);
    const started = recording.take(index, [family.started]);
    const after = started ?? index;
    const terminalTypes = [family.succeeded, ...family.failed, family.timedOut];
    const submitted = family.submitted === undefined ? undefined : recording.take(after, [family.submitted]);
    const terminal = recording.take(submitted ?? after, terminalTypes);
    const stateName = stateNameOf(recording, index);
    calls.push({
      index,
      family: familyName,
      ...(typeof d.resourceType === 'string' ? { resourceType: d.resourceType } : {}),
      ...(typeof d.resource === 'string' ? { resource: d.resource } : {}),
      arguments: d[family.argumentsKey],
      ...(stateName !== undefined ? { stateName } : {}),
      ...(submitted !== undefined
        ? { submitted: { output: details(events[submitted] as NormalEvent).output } }
        : {}),
      outcome: outcomeOf(terminal === undefined ? undefined : events[terminal], family),
    });
  });
  return calls;
}
