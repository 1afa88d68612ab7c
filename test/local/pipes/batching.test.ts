import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PAYLOAD_LIMIT } from '../../../local/pipes/batch.ts';
import type { StreamSettings } from '../../../local/pipes/params.ts';
import { PipeRunner, type PipeRunnerConfig } from '../../../local/pipes/runner.ts';
import { PipeStore } from '../../../local/pipes/store.ts';
import { StreamsApiFailure, toPipeEvent, type WireRecord } from '../../../local/pipes/streams.ts';
import { partialFailure } from '../../../local/pipes/target.ts';

const STREAM = 'arn:aws:dynamodb:us-east-1:111111111111:table/t/stream/x';

/** A one-shard stream in memory, read as the Streams API reads it. */
class FakeStream {
  readonly records: WireRecord[] = [];
  /** Records before this index are trimmed: an iterator after one of them is refused. */
  trimmed = 0;
  /** GetRecords calls left to fail (the endpoint unreachable). */
  failing = 0;
  add(id: string, extra: { kind?: string; ageSeconds?: number; pad?: number } = {}): WireRecord {
    const seq = String(100 + this.records.length);
    const record: WireRecord = {
      eventID: seq,
      eventName: 'INSERT',
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000) - (extra.ageSeconds ?? 0),
        SequenceNumber: seq,
        Keys: { id: { S: id } },
        NewImage: {
          id: { S: id },
          kind: { S: extra.kind ?? 'order' },
          pad: { S: 'x'.repeat(extra.pad ?? 0) },
        },
      },
    };
    this.records.push(record);
    return record;
  }
  readonly client = {
    shards: async () => ['shardId-1'],
    iterator: async (_arn: string, _shard: string, at: { type: string; sequenceNumber?: string }) => {
      if (at.type === 'LATEST') return String(this.records.length);
      if (at.type !== 'AFTER_SEQUENCE_NUMBER') return String(this.trimmed);
      const after = Number(at.sequenceNumber) - 99;
      if (after - 1 < this.trimmed) throw new StreamsApiFailure('TrimmedDataAccessException', 'trimmed');
      return String(after);
    },
    records: async (iterator: string, limit: number) => {
      if (this.failing > 0) {
        this.failing -= 1;
        throw new Error('connect ECONNREFUSED');
      }
      const from = Number(iterator);
      const records = this.records.slice(from, from + limit);
      return { records, next: String(from + records.length) };
    },
  };
}

const defaults: StreamSettings = {
  startingPosition: 'TRIM_HORIZON',
  batchSize: 10,
  maximumBatchingWindowInSeconds: 0,
  maximumRecordAgeInSeconds: -1,
  maximumRetryAttempts: -1,
  bisect: false,
};

describe('PipeRunner batching, retries and the dead-letter queue (in memory)', () => {
  let dir: string;
  let store: PipeStore;
  let stream: FakeStream;
  let batches: string[][];
  let dlq: Record<string, unknown>[];
  let fail: (ids: string[]) => number | Promise<number>; // index of the first failed record; length: all succeeded
  let runner: PipeRunner | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipes-batching-'));
    store = await PipeStore.open(dir);
    stream = new FakeStream();
    batches = [];
    dlq = [];
    fail = (ids) => ids.length;
  });
  afterEach(async () => {
    await runner?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const run = (settings: Partial<StreamSettings>, filters: string[] = []) => {
    const config: PipeRunnerConfig = {
      name: 'p',
      arn: 'arn:aws:pipes:us-east-1:111111111111:pipe/p',
      streamArn: STREAM,
      settings: { ...defaults, ...settings },
      filters,
    };
    runner = new PipeRunner(config, {
      store,
      streams: stream.client,
      invoke: async (sequenceNumbers, input) => {
        const ids = (JSON.parse(input) as { dynamodb: { Keys: { id: { S: string } } } }[]).map(
          (r) => r.dynamodb.Keys.id.S,
        );
        batches.push(ids);
        const failedFrom = await fail(ids);
        return failedFrom >= sequenceNumbers.length ? { failedFrom } : { failedFrom, error: 'failed' };
      },
      deadLetter: { send: async (body) => void dlq.push(body) },
      now: Date.now,
      log: () => {},
      pollIntervalMs: 5,
      retryDelayMs: 1,
    });
    runner.start();
    return runner;
  };
  const until = async (done: () => boolean) => {
    for (let i = 0; i < 500 && !done(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(done()).toBe(true);
  };
  const checkpoint = () => store.checkpoint('p', 'shardId-1');

  it('cuts batches at BatchSize', async () => {
    for (const id of ['a', 'b', 'c', 'd', 'e']) stream.add(id);
    run({ batchSize: 2 });
    await until(() => checkpoint() === '104');
    expect(batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('cuts batches at the 262,144-character payload limit', async () => {
    for (const id of ['a', 'b', 'c']) stream.add(id, { pad: Math.floor(PAYLOAD_LIMIT / 2.5) });
    run({});
    await until(() => checkpoint() === '102');
    expect(batches).toEqual([['a', 'b'], ['c']]);
  });

  it('waits up to MaximumBatchingWindowInSeconds to fill a batch', async () => {
    stream.add('a');
    run({ maximumBatchingWindowInSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    stream.add('b');
    await until(() => checkpoint() === '101');
    expect(batches).toEqual([['a', 'b']]);
  });

  it('skips what the filters do not match, moving the checkpoint past it', async () => {
    stream.add('a', { kind: 'order' });
    stream.add('b', { kind: 'audit' });
    stream.add('c', { kind: 'order' });
    stream.add('d', { kind: 'audit' });
    run({}, [JSON.stringify({ dynamodb: { NewImage: { kind: { S: ['order'] } } } })]);
    await until(() => checkpoint() === '103');
    expect(batches.flat()).toEqual(['a', 'c']);
    expect(runner?.status()).toMatchObject({ recordsRead: 4, recordsFiltered: 2, recordsDelivered: 2 });
  });

  it('retries a failed batch whole (no bisect) up to MaximumRetryAttempts, then dead-letters it', async () => {
    for (const id of ['a', 'b']) stream.add(id);
    fail = () => 0;
    run({ maximumRetryAttempts: 2 });
    await until(() => checkpoint() === '101');
    expect(batches).toEqual([
      ['a', 'b'],
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect(dlq).toHaveLength(1);
    expect(dlq[0]).toMatchObject({
      context: { condition: 'RetryAttemptsExhausted' },
      DDBStreamBatchInfo: {
        startSequenceNumber: '100',
        endSequenceNumber: '101',
        batchSize: 2,
        shardId: 'shardId-1',
      },
    });
  });

  it('checkpoints before the first failed record and retries from it', async () => {
    for (const id of ['a', 'b', 'c']) stream.add(id);
    let failures = 1;
    fail = (ids) => (ids.includes('b') && failures-- > 0 ? ids.indexOf('b') : ids.length);
    run({});
    await until(() => checkpoint() === '102');
    expect(batches).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c'],
    ]);
  });

  it('dead-letters records older than MaximumRecordAgeInSeconds without invoking the target', async () => {
    stream.add('old', { ageSeconds: 120 });
    stream.add('new');
    run({ maximumRecordAgeInSeconds: 60 });
    await until(() => checkpoint() === '101');
    expect(batches).toEqual([['new']]);
    expect(dlq[0]).toMatchObject({
      context: { condition: 'RecordAgeExceeded' },
      DDBStreamBatchInfo: { batchSize: 1 },
    });
  });

  it('never invokes the target with a record over the payload limit: it is retried, then dead-lettered', async () => {
    stream.add('huge', { pad: PAYLOAD_LIMIT });
    stream.add('next');
    run({ maximumRetryAttempts: 1 });
    await until(() => checkpoint() === '101');
    expect(batches).toEqual([['next']]);
    expect(dlq).toHaveLength(1);
    expect(runner?.status().lastError).toMatch(/over the target limit of 262144/);
  });

  it('gives up on a record after 24 h (the retention of a stream) when MaximumRecordAgeInSeconds is -1', async () => {
    stream.add('day-old', { ageSeconds: 24 * 3600 + 5 });
    fail = () => 0;
    run({});
    await until(() => checkpoint() === '100');
    expect(batches).toEqual([]);
    expect(dlq[0]).toMatchObject({ context: { condition: 'RecordAgeExceeded' } });
  });

  it('reads from the oldest record kept when its checkpoint was trimmed from the stream', async () => {
    for (const id of ['a', 'b', 'c', 'd']) stream.add(id);
    await store.setCheckpoint('p', 'shardId-1', '100');
    stream.trimmed = 2;
    run({});
    await until(() => checkpoint() === '103');
    expect(batches).toEqual([['c', 'd']]);
    expect(runner?.status().lastError).toMatch(/TrimmedDataAccessException/);
  });

  it('reports its lag: the age of the oldest record read and not yet done with', async () => {
    stream.add('a', { ageSeconds: 30 });
    stream.add('b');
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    fail = async (ids) => {
      await held;
      return ids.length;
    };
    run({});
    await until(() => batches.length === 1);
    const busy = runner?.status();
    expect(busy?.pending).toBe(2);
    expect(busy?.lagMs).toBeGreaterThanOrEqual(29_000);
    release();
    await until(() => checkpoint() === '101');
    expect(runner?.status()).toMatchObject({ pending: 0, lagMs: 0, checkpoints: { 'shardId-1': '101' } });
  });

  it('recovers from a failing Streams endpoint, resuming the shard from its checkpoint', async () => {
    for (const id of ['a', 'b']) stream.add(id);
    stream.failing = 1;
    run({});
    await until(() => checkpoint() === '101');
    expect(batches).toEqual([['a', 'b']]);
    expect(runner?.status().lastError).toMatch(/ECONNREFUSED/);
  });

  it('resumes after its checkpoint when started again', async () => {
    for (const id of ['a', 'b']) stream.add(id);
    await run({}).stop();
    await store.setCheckpoint('p', 'shardId-1', '100');
    batches = [];
    run({});
    await until(() => checkpoint() === '101');
    expect(batches).toEqual([['b']]);
  });
});

describe('batchItemFailures', () => {
  const seqs = ['1', '2', '3'];
  it('fails from the earliest record named', () => {
    const output = JSON.stringify({ batchItemFailures: [{ itemIdentifier: '3' }, { itemIdentifier: '2' }] });
    expect(partialFailure(output, seqs).failedFrom).toBe(1);
  });
  it('succeeds with none, an empty list, or an output that is not an object', () => {
    expect(partialFailure('{"batchItemFailures": []}', seqs).failedFrom).toBe(3);
    expect(partialFailure('{"ok": true}', seqs).failedFrom).toBe(3);
    expect(partialFailure('"done"', seqs).failedFrom).toBe(3);
  });
  it('fails the whole batch for an identifier that names no record of it', () => {
    expect(partialFailure('{"batchItemFailures": [{"itemIdentifier": "9"}]}', seqs).failedFrom).toBe(0);
    expect(partialFailure('{"batchItemFailures": [{}]}', seqs).failedFrom).toBe(0);
  });
});

describe('the record as Pipes sends it', () => {
  it("adds eventSourceARN and spells a TTL deletion's userIdentity as {type, principalId}", () => {
    const record: WireRecord = {
      eventID: '1',
      eventName: 'REMOVE',
      dynamodb: { ApproximateCreationDateTime: 1, SequenceNumber: '100', Keys: { id: { S: 'a' } } },
      userIdentity: { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' },
    };
    expect(toPipeEvent(record, STREAM)).toEqual({
      eventID: '1',
      eventName: 'REMOVE',
      dynamodb: record.dynamodb,
      eventSourceARN: STREAM,
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
    });
  });
});
