/**
 * The execution history: the same event types, ids, order and details as AWS's
 * GetExecutionHistory. Payloads (`input`, `output`, `parameters`, assigned variable values)
 * are JSON text, as AWS returns them.
 */
import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';

export type { HistoryEvent, HistoryEventType };

/** Details of one event: the single `...EventDetails` member AWS sets for its type, if any. */
export type EventDetails = Partial<Omit<HistoryEvent, 'timestamp' | 'type' | 'id' | 'previousEventId'>>;

/** Called for every event as it is appended. */
export type HistorySink = (event: HistoryEvent) => void;

export class History {
  private readonly list: HistoryEvent[] = [];
  private readonly sinks: HistorySink[] = [];

  constructor(
    private readonly now: () => number,
    private readonly maxEvents: number,
  ) {}

  get events(): readonly HistoryEvent[] {
    return this.list;
  }

  get length(): number {
    return this.list.length;
  }

  /** True once appending one more event would pass AWS's limit of events per execution. */
  get full(): boolean {
    return this.list.length >= this.maxEvents;
  }

  subscribe(sink: HistorySink): () => void {
    this.sinks.push(sink);
    return () => {
      const i = this.sinks.indexOf(sink);
      if (i >= 0) this.sinks.splice(i, 1);
    };
  }

  /** Appends an event and returns its id (ids start at 1, as on AWS). */
  append(type: HistoryEventType, previousEventId: number, details: EventDetails = {}): number {
    const id = this.list.length + 1;
    const event: HistoryEvent = { timestamp: new Date(this.now()), type, id, previousEventId, ...details };
    this.list.push(event);
    for (const sink of this.sinks) sink(event);
    return id;
  }
}

/** `{ input, inputDetails }` as AWS writes a payload into an event. */
export function payload<K extends 'input' | 'output'>(
  key: K,
  json: string,
): Record<K, string> & Record<`${K}Details`, { truncated: boolean }> {
  return { [key]: json, [`${key}Details`]: { truncated: false } } as Record<K, string> &
    Record<`${K}Details`, { truncated: boolean }>;
}
