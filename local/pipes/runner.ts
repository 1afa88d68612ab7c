/**
 * One RUNNING pipe: a loop per shard of its DynamoDB stream that polls GetRecords about 4 times
 * a second, keeps the shard's order, drops what FilterCriteria do not match, batches by
 * BatchSize, MaximumBatchingWindowInSeconds and the 262,144-character payload limit, invokes the
 * target, and moves the shard's checkpoint (fsynced) only past records it is done with:
 * delivered, filtered out, or given to the dead-letter queue. A failed batch is retried from its
 * first failed record (`batchItemFailures`), halved while it fails with AUTOMATIC_BISECT, and
 * after MaximumRetryAttempts, or once its records are older than MaximumRecordAgeInSeconds,
 * described in the dead-letter queue and skipped.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-dynamodb.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-batching-concurrency.html
 */
import { describeFailure } from '../service.ts';
import { cut, type Entry, PAYLOAD_LIMIT, sizeOf } from './batch.ts';
import { type DeadLetterCondition, type DeadLetterQueue, deadLetterBody } from './dlq.ts';
import { matches, type Pattern, parsePattern } from './filter.ts';
import type { StreamSettings } from './params.ts';
import type { PipeStore } from './store.ts';
import { StreamsApiFailure, type StreamsClient, toPipeEvent, type WireRecord } from './streams.ts';
import type { Invocation } from './target.ts';

/** How long a DynamoDB stream keeps a record. */
const STREAM_RETENTION_S = 24 * 60 * 60;

export interface RunnerDependencies {
  readonly store: PipeStore;
  readonly streams: Pick<StreamsClient, 'shards' | 'iterator' | 'records'>;
  /** Runs the target with the batch's JSON; `sequenceNumbers` name its records in order. */
  readonly invoke: (sequenceNumbers: readonly string[], input: string) => Promise<Invocation>;
  readonly deadLetter?: Pick<DeadLetterQueue, 'send'>;
  readonly now: () => number;
  readonly log: (line: string) => void;
  /** Between polls of an idle shard (Pipes polls about 4 times a second). */
  readonly pollIntervalMs: number;
  /** The first retry's delay; doubled each retry, at most 30 s. */
  readonly retryDelayMs: number;
}

export interface PipeRunnerConfig {
  readonly name: string;
  readonly arn: string;
  readonly streamArn: string;
  readonly settings: StreamSettings;
  readonly filters: readonly string[];
}

/** What `wf` and tests read to watch a pipe: its lag and what it did. */
export interface PipeStatus {
  readonly name: string;
  readonly state: 'RUNNING' | 'STOPPED';
  /** Age of the oldest record read but not yet done with, in ms (0 when caught up). */
  readonly lagMs: number;
  /** Records read from the stream and not yet done with. */
  readonly pending: number;
  readonly recordsRead: number;
  readonly recordsFiltered: number;
  readonly recordsDelivered: number;
  readonly invocations: number;
  readonly failedInvocations: number;
  readonly recordsDeadLettered: number;
  readonly deadLetterMessages: number;
  /** Per shard, the sequence number of the last record done with. */
  readonly checkpoints: Readonly<Record<string, string>>;
  readonly lastError?: string;
  /** When the target was last invoked (epoch ms); absent before the first batch. */
  readonly lastInvocationAt?: number;
}

class Stopped extends Error {}

export class PipeRunner {
  private stopping = false;
  private readonly wakers = new Set<() => void>();
  private running: Promise<void> | undefined;
  private readonly filters: Pattern[];
  private readonly pendingByShard = new Map<string, Entry[]>();
  private counters = {
    recordsRead: 0,
    recordsFiltered: 0,
    recordsDelivered: 0,
    invocations: 0,
    failedInvocations: 0,
    recordsDeadLettered: 0,
    deadLetterMessages: 0,
  };
  private lastError: string | undefined;
  private lastInvocationAt: number | undefined;
  private shards: string[] = [];

  constructor(
    private readonly config: PipeRunnerConfig,
    private readonly deps: RunnerDependencies,
  ) {
    this.filters = config.filters.map(parsePattern);
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Stops polling; a batch in flight finishes and is checkpointed first. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of this.wakers) wake();
    await this.running;
  }

  status(): PipeStatus {
    const now = this.deps.now();
    let oldest: number | undefined;
    let pending = 0;
    for (const entries of this.pendingByShard.values()) {
      pending += entries.length;
      const first = entries[0];
      if (first)
        oldest = Math.min(
          oldest ?? Number.POSITIVE_INFINITY,
          first.record.dynamodb.ApproximateCreationDateTime * 1000,
        );
    }
    const checkpoints: Record<string, string> = {};
    for (const shard of this.shards) {
      const at = this.deps.store.checkpoint(this.config.name, shard);
      if (at !== undefined) checkpoints[shard] = at;
    }
    return {
      name: this.config.name,
      state: this.stopping ? 'STOPPED' : 'RUNNING',
      lagMs: oldest === undefined ? 0 : Math.max(0, now - oldest),
      pending,
      ...this.counters,
      checkpoints,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      ...(this.lastInvocationAt === undefined ? {} : { lastInvocationAt: this.lastInvocationAt }),
    };
  }

  private async run(): Promise<void> {
    const shards = await this.retrying(() => this.deps.streams.shards(this.config.streamArn));
    if (shards === undefined) return;
    this.shards = shards;
    // Each shard on its own: a failure restarts that shard's loop from its checkpoint only.
    await Promise.all(shards.map((shard) => this.retrying(() => this.readShard(shard))));
  }

  /** Runs `work` until it completes or the runner stops, retrying every second after a failure. */
  private async retrying<T>(work: () => Promise<T>): Promise<T | undefined> {
    while (!this.stopping) {
      try {
        return await work();
      } catch (error) {
        if (error instanceof Stopped) return undefined;
        this.fail(error);
        const slept = await this.sleep(Math.max(this.deps.pollIntervalMs, 1000)).then(
          () => true,
          () => false,
        );
        if (!slept) return undefined;
      }
    }
    return undefined;
  }

  private fail(error: unknown): void {
    this.lastError = describeFailure(error);
    this.deps.log(`Pipes ${this.config.name}: ${this.lastError}`);
  }

  /** Resolves after `ms`, or rejects with Stopped as soon as the runner stops. */
  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.reject(new Stopped());
    return new Promise((resolve, reject) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        reject(new Stopped());
      };
      const timer = setTimeout(() => {
        this.wakers.delete(wake);
        resolve();
      }, ms);
      this.wakers.add(wake);
    });
  }

  private async openIterator(shard: string): Promise<string> {
    const at = this.deps.store.checkpoint(this.config.name, shard);
    const position =
      at === undefined
        ? { type: this.config.settings.startingPosition }
        : { type: 'AFTER_SEQUENCE_NUMBER' as const, sequenceNumber: at };
    try {
      return await this.deps.streams.iterator(this.config.streamArn, shard, position);
    } catch (error) {
      // The checkpoint is older than the stream keeps (the pipe was stopped for over 24 h):
      // those records are gone, so read from the oldest kept, as a new pipe would.
      if (!(error instanceof StreamsApiFailure) || error.type !== 'TrimmedDataAccessException') throw error;
      this.fail(error);
      return this.deps.streams.iterator(this.config.streamArn, shard, { type: 'TRIM_HORIZON' });
    }
  }

  private async readShard(shard: string): Promise<void> {
    const { settings } = this.config;
    const buffer: Entry[] = [];
    this.pendingByShard.set(shard, buffer);
    let iterator: string | undefined = await this.openIterator(shard);
    let lastRead: string | undefined;
    let windowStart: number | undefined;
    try {
      while (!this.stopping) {
        let idle = false;
        if (iterator !== undefined && buffer.length < settings.batchSize) {
          try {
            const page = await this.deps.streams.records(iterator, 1000);
            iterator = page.next;
            idle = page.records.length === 0;
            const skippedTo = this.take(page.records, buffer);
            if (page.records.length > 0) lastRead = page.records.at(-1)?.dynamodb.SequenceNumber;
            if (skippedTo !== undefined)
              await this.deps.store.setCheckpoint(this.config.name, shard, skippedTo);
          } catch (error) {
            if (!(error instanceof StreamsApiFailure) || error.type !== 'ExpiredIteratorException')
              throw error;
            iterator =
              lastRead === undefined
                ? await this.openIterator(shard)
                : await this.deps.streams.iterator(this.config.streamArn, shard, {
                    type: 'AFTER_SEQUENCE_NUMBER',
                    sequenceNumber: lastRead,
                  });
            continue;
          }
        }
        if (buffer.length > 0) windowStart ??= this.deps.now();
        const windowMs = settings.maximumBatchingWindowInSeconds * 1000;
        const waited = windowStart === undefined ? 0 : this.deps.now() - windowStart;
        const full = buffer.length >= settings.batchSize || sizeOf(buffer) >= PAYLOAD_LIMIT;
        if (buffer.length > 0 && (full || waited >= windowMs || iterator === undefined)) {
          const batch = cut(buffer, settings.batchSize);
          await this.deliver(shard, batch, 0);
          buffer.splice(0, batch.length);
          windowStart = buffer.length > 0 ? this.deps.now() : undefined;
          continue;
        }
        if (iterator === undefined && buffer.length === 0) return; // the shard is closed and done
        if (idle || buffer.length > 0) {
          const left = windowStart === undefined ? this.deps.pollIntervalMs : Math.max(1, windowMs - waited);
          await this.sleep(Math.min(this.deps.pollIntervalMs, left));
        }
      }
    } finally {
      buffer.length = 0;
    }
  }

  /**
   * Adds a page's records to the buffer, filtered: a filtered-out record moves the checkpoint of
   * the record before it (or, with nothing pending, is the checkpoint to write now, answered).
   */
  private take(records: readonly WireRecord[], buffer: Entry[]): string | undefined {
    let skippedTo: string | undefined;
    for (const record of records) {
      this.counters.recordsRead += 1;
      const event = toPipeEvent(record, this.config.streamArn);
      const sequence = record.dynamodb.SequenceNumber;
      if (this.filters.length > 0 && !this.filters.some((f) => matches(f, event))) {
        this.counters.recordsFiltered += 1;
        const last = buffer.at(-1);
        if (last) last.until = sequence;
        else skippedTo = sequence;
        continue;
      }
      buffer.push({ record, size: JSON.stringify(event).length, until: sequence });
    }
    return skippedTo;
  }

  private async checkpoint(shard: string, entry: Entry | undefined): Promise<void> {
    if (entry) await this.deps.store.setCheckpoint(this.config.name, shard, entry.until);
  }

  /** Delivers `batch` or gives up on it, so that the checkpoint ends past its last record. */
  private async deliver(shard: string, batch: readonly Entry[], attempts: number): Promise<void> {
    const { settings } = this.config;
    let pending = batch;
    for (;;) {
      pending = await this.dropExpired(shard, pending);
      if (pending.length === 0) return;
      const outcome = await this.invoke(pending);
      if (outcome.failedFrom >= pending.length) {
        this.counters.recordsDelivered += pending.length;
        await this.checkpoint(shard, pending.at(-1));
        return;
      }
      this.counters.failedInvocations += 1;
      this.lastError = outcome.error;
      this.deps.log(
        `Pipes ${this.config.name}: batch of ${pending.length} failed from record ${outcome.failedFrom}: ${outcome.error}`,
      );
      if (outcome.failedFrom > 0) {
        this.counters.recordsDelivered += outcome.failedFrom;
        await this.checkpoint(shard, pending[outcome.failedFrom - 1]);
        pending = pending.slice(outcome.failedFrom);
      }
      if (settings.bisect && pending.length > 1) {
        // Halving is not a retry: each half keeps the attempts made so far.
        const half = Math.ceil(pending.length / 2);
        await this.deliver(shard, pending.slice(0, half), attempts);
        await this.deliver(shard, pending.slice(half), attempts);
        return;
      }
      attempts += 1;
      if (settings.maximumRetryAttempts >= 0 && attempts > settings.maximumRetryAttempts) {
        await this.deadLetter(shard, pending, 'RetryAttemptsExhausted');
        return;
      }
      await this.sleep(Math.min(30_000, this.deps.retryDelayMs * 2 ** (attempts - 1)));
    }
  }

  /** Gives up on the records older than MaximumRecordAgeInSeconds; answers the others. */
  private async dropExpired(shard: string, pending: readonly Entry[]): Promise<readonly Entry[]> {
    const { maximumRecordAgeInSeconds } = this.config.settings;
    // -1 is "until the record expires in the event source": a DynamoDB stream keeps 24 h.
    const maxAge = maximumRecordAgeInSeconds >= 0 ? maximumRecordAgeInSeconds : STREAM_RETENTION_S;
    const oldest = this.deps.now() / 1000 - maxAge;
    const fresh = pending.findIndex((e) => e.record.dynamodb.ApproximateCreationDateTime >= oldest);
    const expired = fresh < 0 ? pending : pending.slice(0, fresh);
    if (expired.length > 0) await this.deadLetter(shard, expired, 'RecordAgeExceeded');
    return pending.slice(expired.length);
  }

  private async invoke(entries: readonly Entry[]): Promise<Invocation> {
    const size = sizeOf(entries);
    if (size > PAYLOAD_LIMIT) {
      return {
        failedFrom: 0,
        error: `the batch's payload is ${size} characters, over the target limit of ${PAYLOAD_LIMIT}`,
      };
    }
    this.counters.invocations += 1;
    this.lastInvocationAt = this.deps.now();
    const events = entries.map((e) => toPipeEvent(e.record, this.config.streamArn));
    return this.deps.invoke(
      entries.map((e) => e.record.dynamodb.SequenceNumber),
      JSON.stringify(events),
    );
  }

  /** Describes the records in the dead-letter queue (retrying until it takes them), then skips them. */
  private async deadLetter(
    shard: string,
    entries: readonly Entry[],
    condition: DeadLetterCondition,
  ): Promise<void> {
    const queue = this.deps.deadLetter;
    if (queue) {
      const body = deadLetterBody(
        this.config.arn,
        condition,
        this.config.streamArn,
        shard,
        entries.map((e) => e.record),
        this.deps.now(),
      );
      for (let attempt = 0; ; attempt += 1) {
        try {
          await queue.send(body);
          break;
        } catch (error) {
          this.fail(error);
          await this.sleep(Math.min(30_000, this.deps.retryDelayMs * 2 ** attempt));
        }
      }
      this.counters.deadLetterMessages += 1;
    }
    this.deps.log(`Pipes ${this.config.name}: ${entries.length} record(s) skipped (${condition})`);
    this.counters.recordsDeadLettered += entries.length;
    await this.checkpoint(shard, entries.at(-1));
  }
}
