/**
 * The execution history: the same event types, ids, order and details as AWS's
 * GetExecutionHistory. Payloads (`input`, `output`, `parameters`, assigned variable values)
 * are JSON text, as AWS returns them.
 *
 * Each event also belongs to a thread (the top level "", a Parallel branch or a Map iteration).
 * Threads are not part of AWS's events; sinks receive them beside each event so that a durable
 * store can keep them, and a restarted engine can resume the execution (see replay.ts).
 */
import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import { EngineBug } from '../errors.ts';

export type { HistoryEvent, HistoryEventType };

/** Details of one event: the single `...EventDetails` member AWS sets for its type, if any. */
export type EventDetails = Partial<Omit<HistoryEvent, 'timestamp' | 'type' | 'id' | 'previousEventId'>>;

/** Called for every event as it is appended (not for recorded events matched during a resume). */
export type HistorySink = (event: HistoryEvent, thread: string) => void;

/** An event as a durable store keeps it: AWS's event plus the engine's thread key. */
export interface RecordedEvent {
  readonly event: HistoryEvent;
  readonly thread: string;
  /**
   * False for an event that stays in the history but is not matched again: the unsuccessful part
   * of an attempt that was redriven (see redrive.ts), which the redriven execution runs anew.
   */
  readonly replay?: boolean;
}

export class History {
  /** The events, unless `retain` is false. */
  private readonly list: HistoryEvent[] = [];
  /** Each event's time, retained or not: for timeouts and resumed states' entry times. */
  private readonly times: (number | undefined)[] = [];
  private readonly sinks: HistorySink[] = [];
  /** Recorded events not yet matched by the resumed execution, per thread, in order. */
  private readonly pending = new Map<string, HistoryEvent[]>();

  /**
   * `retain: false` keeps no event, only its time: the history of a child execution that nobody
   * reads (a Distributed Map's Express child), so its payloads are garbage as soon as appended.
   */
  constructor(
    private readonly now: () => number,
    recorded: readonly RecordedEvent[] = [],
    private readonly retain = true,
  ) {
    for (const { event, thread, replay } of recorded) {
      this.list.push(event);
      this.times.push(event.timestamp?.getTime());
      if (replay === false) continue;
      const queue = this.pending.get(thread);
      if (queue) queue.push(event);
      else this.pending.set(thread, [event]);
    }
  }

  get events(): readonly HistoryEvent[] {
    return this.list;
  }

  get length(): number {
    return this.times.length;
  }

  subscribe(sink: HistorySink): () => void {
    this.sinks.push(sink);
    return () => {
      const i = this.sinks.indexOf(sink);
      if (i >= 0) this.sinks.splice(i, 1);
    };
  }

  /** The next recorded event of a thread that the resumed execution has not reached yet. */
  peek(thread: string): HistoryEvent | undefined {
    return this.pending.size === 0 ? undefined : this.pending.get(thread)?.[0];
  }

  /** True while a resumed thread still has recorded events ahead of it. */
  replaying(thread: string): boolean {
    return (this.pending.get(thread)?.length ?? 0) > 0;
  }

  /**
   * Appends an event and returns its id (ids start at 1, as on AWS). While the thread is being
   * resumed, the recorded event it reaches is matched instead, and its id returned.
   */
  append(type: HistoryEventType, previousEventId: number, details: EventDetails = {}, thread = ''): number {
    if (this.pending.size === 0) return this.appendNew(type, previousEventId, details, thread);
    const queue = this.pending.get(thread);
    const recorded = queue?.[0];
    if (queue && recorded) {
      if (recorded.type !== type) {
        throw new EngineBug(
          `resuming thread '${thread}': the definition now produces ${type} where the history recorded ${recorded.type} (event ${recorded.id}); the definition changed or the engine is not deterministic`,
        );
      }
      queue.shift();
      // A thread past its recorded events appends anew; once every thread is, append is direct.
      if (queue.length === 0) this.pending.delete(thread);
      return recorded.id ?? 0;
    }
    return this.appendNew(type, previousEventId, details, thread);
  }

  /** Appends an event even while its thread is being resumed (ExecutionRedriven). */
  appendNew(
    type: HistoryEventType,
    previousEventId: number,
    details: EventDetails = {},
    thread = '',
  ): number {
    const id = this.length + 1;
    const at = this.now();
    const event: HistoryEvent = { timestamp: new Date(at), type, id, previousEventId, ...details };
    if (this.retain) this.list.push(event);
    this.times.push(at);
    for (const sink of this.sinks) sink(event, thread);
    return id;
  }

  /** The time of an event, for a resumed state's entry time. */
  timestampOf(id: number): number | undefined {
    return this.times[id - 1];
  }
}

/** Payloads are never truncated here (AWS truncates only past its limits, which fail the state). */
export const NOT_TRUNCATED: { readonly truncated: boolean } = Object.freeze({ truncated: false });

/** `{ input, inputDetails }` as AWS writes a payload into an event. */
export function payload<K extends 'input' | 'output'>(
  key: K,
  json: string,
): Record<K, string> & Record<`${K}Details`, { truncated: boolean }> {
  // Literal keys, not computed ones: V8 builds these objects far faster.
  const built =
    key === 'input'
      ? { input: json, inputDetails: NOT_TRUNCATED }
      : { output: json, outputDetails: NOT_TRUNCATED };
  return built as unknown as Record<K, string> & Record<`${K}Details`, { truncated: boolean }>;
}
