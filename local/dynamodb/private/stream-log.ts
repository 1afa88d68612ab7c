/**
 * The streams' records: one open shard per stream, kept in memory for reads and in the same
 * LevelDB as the tables (under `_streams~`, a prefix no dynalite key can take: table names have
 * no `~`) so a restart keeps them. Records older than 24 hours are trimmed, and a disabled
 * stream disappears 24 hours after it was disabled, as on AWS.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html
 */
import { randomBytes } from 'node:crypto';
import type { Item, KeySchemaElement, Level } from './dynalite.ts';

export const RETENTION_MS = 24 * 60 * 60 * 1000;
const META = '_streams~meta~';
const RECORD = '_streams~rec~';
/** Keys sort as strings: sequence numbers are padded so that order is numeric order. */
const SEQ_WIDTH = 30;

/** A record as GetRecords returns it (the Streams API shape: `userIdentity.PrincipalId`). */
export interface WireRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventVersion: '1.1';
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  dynamodb: {
    ApproximateCreationDateTime: number;
    Keys: Item;
    NewImage?: Item;
    OldImage?: Item;
    SequenceNumber: string;
    SizeBytes: number;
    StreamViewType: string;
  };
  userIdentity?: { PrincipalId: string; Type: string };
}

export interface StreamMeta {
  arn: string;
  tableName: string;
  label: string;
  viewType: string;
  keySchema: KeySchemaElement[];
  createdAt: number;
  shardId: string;
  /** Reserved when the stream opens: every record's number is larger. */
  startSeq: string;
  status: 'ENABLED' | 'DISABLED';
  disabledAt?: number;
  /** The last sequence number dropped by trimming; asking for it or before is TrimmedDataAccess. */
  trimmedThrough?: string;
}

export interface Entry {
  readonly seq: bigint;
  readonly at: number;
  readonly record: WireRecord;
}

export interface Stream {
  meta: StreamMeta;
  readonly entries: Entry[];
}

export type RecordListener = (record: WireRecord, stream: StreamMeta) => void;

const recordKey = (arn: string, seq: bigint) => `${RECORD}${arn}~${seq.toString().padStart(SEQ_WIDTH, '0')}`;

export class StreamLog {
  private readonly streams = new Map<string, Stream>();
  private readonly listeners = new Set<RecordListener>();
  private lastSeq = 0n;

  private constructor(
    private readonly db: Level,
    private readonly now: () => number,
  ) {}

  static async open(db: Level, now: () => number): Promise<StreamLog> {
    const log = new StreamLog(db, now);
    for await (const [, meta] of db.iterator({ gte: META, lt: `${META}\uffff` })) {
      const m = meta as StreamMeta;
      log.streams.set(m.arn, { meta: m, entries: [] });
      log.bump(BigInt(m.startSeq));
    }
    for await (const [key, value] of db.iterator({ gte: RECORD, lt: `${RECORD}\uffff` })) {
      const arn = key.slice(RECORD.length, key.lastIndexOf('~'));
      const entry = value as Entry & { seq: string };
      const seq = BigInt(entry.seq);
      log.streams.get(arn)?.entries.push({ seq, at: entry.at, record: entry.record });
      log.bump(seq);
    }
    return log;
  }

  private bump(seq: bigint): void {
    if (seq > this.lastSeq) this.lastSeq = seq;
  }

  /** Numeric strings as AWS's, strictly increasing across streams and restarts (time-based floor). */
  private nextSeq(): bigint {
    const floor = BigInt(Math.max(0, Math.floor(this.now()))) * 100_000_000n;
    this.lastSeq = floor > this.lastSeq ? floor : this.lastSeq + 1n;
    return this.lastSeq;
  }

  /**
   * A new stream's description, not yet stored: the table write that enables it can still fail.
   * The label is the creation time, ISO 8601 without the zone (`2015-05-11T21:21:33.291`), made
   * unique per table by stepping a millisecond when a stream of that instant exists.
   */
  draft(tableArn: string, tableName: string, viewType: string, keySchema: KeySchemaElement[]): StreamMeta {
    let createdAt = this.now();
    const arnAt = (ms: number) => `${tableArn}/stream/${new Date(ms).toISOString().slice(0, -1)}`;
    while (this.streams.has(arnAt(createdAt))) createdAt += 1;
    const label = new Date(createdAt).toISOString().slice(0, -1);
    return {
      arn: arnAt(createdAt),
      tableName,
      label,
      viewType,
      keySchema,
      createdAt,
      shardId: `shardId-${String(createdAt).padStart(20, '0')}-${randomBytes(4).toString('hex')}`,
      startSeq: this.nextSeq().toString(),
      status: 'ENABLED',
    };
  }

  async register(meta: StreamMeta): Promise<void> {
    await this.db.put(META + meta.arn, meta);
    this.streams.set(meta.arn, { meta, entries: [] });
  }

  /** Forgets a stream registered for a table write that then failed. */
  async discard(arn: string): Promise<void> {
    if (!this.streams.delete(arn)) return;
    await this.db.del(META + arn);
  }

  async disable(arn: string): Promise<void> {
    const stream = this.streams.get(arn);
    if (!stream || stream.meta.status === 'DISABLED') return;
    stream.meta = { ...stream.meta, status: 'DISABLED', disabledAt: this.now() };
    await this.db.put(META + arn, stream.meta);
  }

  get(arn: string): Stream | undefined {
    return this.streams.get(arn);
  }

  list(): StreamMeta[] {
    return [...this.streams.values()].map((s) => s.meta);
  }

  /** Gives the record the next sequence number, stores it, then tells the listeners. */
  async append(
    arn: string,
    record: Omit<WireRecord, 'dynamodb'> & { dynamodb: Omit<WireRecord['dynamodb'], 'SequenceNumber'> },
  ) {
    const stream = this.streams.get(arn);
    if (stream?.meta.status !== 'ENABLED') return undefined;
    const seq = this.nextSeq();
    const full: WireRecord = { ...record, dynamodb: { ...record.dynamodb, SequenceNumber: seq.toString() } };
    const entry: Entry = { seq, at: this.now(), record: full };
    stream.entries.push(entry);
    await this.db.put(recordKey(arn, seq), { ...entry, seq: seq.toString() });
    for (const listener of this.listeners) listener(full, stream.meta);
    return full;
  }

  /** The records after `seq`, oldest first, at most `limit`. */
  after(stream: Stream, seq: bigint, limit: number): Entry[] {
    const { entries } = stream;
    let low = 0;
    let high = entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((entries[mid] as Entry).seq <= seq) low = mid + 1;
      else high = mid;
    }
    return entries.slice(low, low + limit);
  }

  onRecord(listener: RecordListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops records past retention and streams disabled longer than that. */
  async trim(): Promise<void> {
    const horizon = this.now() - RETENTION_MS;
    for (const [arn, stream] of this.streams) {
      const gone = stream.meta.status === 'DISABLED' && (stream.meta.disabledAt ?? 0) < horizon;
      const count = gone ? stream.entries.length : stream.entries.findIndex((e) => e.at >= horizon);
      const drop = count === -1 ? stream.entries.length : count;
      const removed = stream.entries.splice(0, drop);
      const last = removed.at(-1);
      const operations: { type: 'put' | 'del'; key: string; value?: unknown }[] = removed.map((e) => ({
        type: 'del',
        key: recordKey(arn, e.seq),
      }));
      if (gone) {
        this.streams.delete(arn);
        operations.push({ type: 'del', key: META + arn });
      } else if (last) {
        stream.meta = { ...stream.meta, trimmedThrough: last.seq.toString() };
        operations.push({ type: 'put', key: META + arn, value: stream.meta });
      }
      if (operations.length > 0) await this.db.batch(operations);
    }
  }
}
