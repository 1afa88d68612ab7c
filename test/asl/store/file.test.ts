import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptStoreFile, type ExecutionStore, openFileStore, Sealer } from '../../../asl/store/index.ts';
import { describeStoreContract } from './contract.ts';
import { event, events, execution, machine } from './fixtures.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'asl-store-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const freshDir = () => mkdtemp(join(root, 'store-'));

describeStoreContract('FileStore', async () => openFileStore(await freshDir()));

describe('FileStore on disk', () => {
  const arn = execution('h').executionArn;

  /** Opens a store in `dir`, runs `use`, and closes it even if `use` fails. */
  async function withStore<T>(dir: string, use: (store: ExecutionStore) => Promise<T>): Promise<T> {
    const store = await openFileStore(dir);
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  }

  async function packs(dir: string): Promise<string[]> {
    return (await readdir(join(dir, 'histories'))).sort().map((name) => join(dir, 'histories', name));
  }

  async function lineCount(file: string): Promise<number> {
    return (await readFile(file, 'utf8')).split('\n').length - 1;
  }

  it('keeps records, histories and page tokens across close and reopen', async () => {
    const dir = await freshDir();
    const stopDate = new Date('2024-05-01T12:01:00.000Z');
    const before = await withStore(dir, async (store) => {
      await store.putStateMachine(machine());
      await store.putStateMachine(machine('arn:aws:states:us-east-1:111111111111:stateMachine:gone'));
      await store.deleteStateMachine('arn:aws:states:us-east-1:111111111111:stateMachine:gone');
      await store.createExecution(execution('h', { resume: { at: 'Wait', until: '2024-05-02' } }));
      await store.createExecution(execution('done'));
      await store.updateExecution(execution('done').executionArn, {
        status: 'SUCCEEDED',
        stopDate,
        output: '1',
      });
      await store.updateExecution(arn, { resume: undefined, transitions: 3 });
      await store.appendEvents(arn, events(1, 5));
      const page = await store.getHistory(arn, { reverseOrder: true, maxResults: 2 });
      return {
        machines: await store.listStateMachines(),
        executions: await store.listExecutions(),
        history: await store.getHistory(arn),
        nextToken: page.nextToken,
      };
    });
    await withStore(dir, async (store) => {
      expect(await store.listStateMachines()).toEqual(before.machines);
      expect(await store.listExecutions()).toEqual(before.executions);
      expect((await store.getExecution(execution('done').executionArn))?.stopDate).toEqual(stopDate);
      expect(await store.getExecution(arn)).toEqual(execution('h', { transitions: 3 }));
      expect(await store.getHistory(arn)).toEqual(before.history);
      const next = await store.getHistory(arn, {
        reverseOrder: true,
        maxResults: 2,
        nextToken: before.nextToken,
      });
      expect(next.events.map((e) => e.id)).toEqual([3, 2]);
      expect((await store.listResumable()).map((e) => e.name)).toEqual(['h']);
    });
  });

  it('pages a history read back from disk forward and in reverse', async () => {
    const dir = await freshDir();
    await withStore(dir, async (store) => {
      await store.createExecution(execution('h'));
      await store.appendEvents(arn, events(1, 5));
    });
    await withStore(dir, async (store) => {
      const first = await store.getHistory(arn, { maxResults: 2 });
      const second = await store.getHistory(arn, { maxResults: 2, nextToken: first.nextToken });
      const third = await store.getHistory(arn, { maxResults: 2, nextToken: second.nextToken });
      expect([first, second, third].map((p) => p.events.map((e) => e.id))).toEqual([[1, 2], [3, 4], [5]]);
      expect(third.nextToken).toBeUndefined();
      const back = await store.getHistory(arn, { reverseOrder: true, maxResults: 4 });
      const rest = await store.getHistory(arn, {
        reverseOrder: true,
        maxResults: 4,
        nextToken: back.nextToken,
      });
      expect([back, rest].map((p) => p.events.map((e) => e.id))).toEqual([[5, 4, 3, 2], [1]]);
    });
  });

  it('keeps a history that several checkpoints filed, one pack each', async () => {
    const dir = await freshDir();
    await withStore(dir, (store) => store.createExecution(execution('h')));
    for (let id = 1; id <= 3; id++) await withStore(dir, (store) => store.appendEvents(arn, [event(id)]));
    expect(await packs(dir)).toHaveLength(3);
    await withStore(dir, async (store) => {
      expect((await store.getHistory(arn)).events).toEqual(events(1, 3));
      await store.appendEvents(arn, [event(4)]);
      expect((await store.getHistory(arn, { reverseOrder: true, maxResults: 2 })).events).toEqual([
        event(4),
        event(3),
      ]);
    });
    await withStore(dir, async (store) => {
      expect((await store.getHistory(arn)).events).toEqual(events(1, 4));
    });
  });

  it('cuts off a torn last record line, even one that ends in a newline', async () => {
    const dir = await freshDir();
    await withStore(dir, (store) => store.createExecution(execution('h')));
    await appendFile(join(dir, 'records.jsonl'), '\0\0\0\0\n');
    await withStore(dir, async (store) => {
      expect(await store.getExecution(arn)).toEqual(execution('h'));
      await store.createExecution(execution('next'));
    });
    await withStore(dir, async (store) => {
      expect((await store.listExecutions()).executions.map((e) => e.name).sort()).toEqual(['h', 'next']);
    });
  });

  it('refuses a corrupt record line before the last, or a damaged pack, naming the file', async () => {
    const dir = await freshDir();
    await withStore(dir, async (store) => {
      await store.createExecution(execution('h'));
      await store.appendEvents(arn, events(1, 3));
    });
    const [pack = ''] = await packs(dir);
    const text = await readFile(pack, 'utf8');
    await writeFile(pack, text.replace('"id":2', '"id":7'));
    const failure = await withStore(dir, (store) => store.getHistory(arn)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CorruptStoreFile);
    expect(failure).toMatchObject({ file: pack, message: expect.stringContaining('expected event 2') });

    const records = join(dir, 'records.jsonl');
    await writeFile(records, `{"op":"dropTable"}\n${await readFile(records, 'utf8')}`);
    await expect(openFileStore(dir)).rejects.toMatchObject({
      name: 'CorruptStoreFile',
      file: records,
      line: 1,
    });
  });

  it('keeps concurrent appends in call order, per execution', async () => {
    const dir = await freshDir();
    const other = execution('other').executionArn;
    await withStore(dir, async (store) => {
      await store.createExecution(execution('h'));
      await store.createExecution(execution('other'));
      const writes: Promise<unknown>[] = [];
      for (let id = 1; id <= 100; id++) {
        writes.push(store.appendEvents(arn, [event(id)]), store.appendEvents(other, [event(id)]));
        if (id % 10 === 0) writes.push(store.getHistory(arn));
      }
      await Promise.all(writes);
    });
    await withStore(dir, async (store) => {
      expect((await store.getHistory(arn)).events).toEqual(events(1, 100));
      expect((await store.getHistory(other)).events).toEqual(events(1, 100));
    });
  });

  it('finishes pending writes before close resolves', async () => {
    const dir = await freshDir();
    const store = await openFileStore(dir);
    await store.createExecution(execution('h'));
    const append = store.appendEvents(arn, events(1, 2));
    await store.close();
    await expect(append).resolves.toBeUndefined();
    await withStore(dir, async (reopened) => {
      expect((await reopened.getHistory(arn)).events).toEqual(events(1, 2));
    });
  });

  it('checkpoints a long log into records.jsonl and the history files, keeping what it says', async () => {
    const dir = await freshDir();
    const logLines = async () => {
      const names = await readdir(join(dir, 'wal'));
      return (await Promise.all(names.map((n) => lineCount(join(dir, 'wal', n))))).reduce((a, b) => a + b, 0);
    };
    const store = await openFileStore(dir, { checkpointBytes: 2000 });
    await store.putStateMachine(machine());
    await store.createExecution(execution('h'));
    for (let n = 1; n <= 30; n++) {
      await store.updateExecution(arn, { transitions: n });
      await store.appendEvents(arn, [event(n)]);
    }
    // Each checkpoint leaves an empty log; 30 awaited pairs of a few hundred bytes pass 2000 several times.
    expect(await logLines()).toBeLessThan(30);
    expect(await lineCount(join(dir, 'records.jsonl'))).toBe(2); // the header, then one line of records
    await store.updateExecution(arn, { status: 'SUCCEEDED' });
    expect((await store.getHistory(arn)).events).toEqual(events(1, 30));
    await store.close();
    expect(await logLines()).toBe(0);
    await withStore(dir, async (reopened) => {
      expect(await reopened.getStateMachine(machine().stateMachineArn)).toEqual(machine());
      expect(await reopened.getExecution(arn)).toEqual(
        execution('h', { transitions: 30, status: 'SUCCEEDED' }),
      );
      expect((await reopened.getHistory(arn)).events).toEqual(events(1, 30));
    });
  });
});

describe('FileStore sealed at rest', () => {
  const key = (byte: number) => Sealer.fromKey(new Uint8Array(32).fill(byte));
  const secret = 'task-token-SECRET-1234567890';

  async function filesText(dir: string): Promise<string> {
    const names = [
      'records.jsonl',
      ...(await readdir(join(dir, 'histories'))).map((n) => join('histories', n)),
      ...(await readdir(join(dir, 'wal'))).map((n) => join('wal', n)),
    ];
    return (await Promise.all(names.map((n) => readFile(join(dir, n), 'utf8')))).join('');
  }

  it('writes no clear text, and reads everything back with the same key', async () => {
    const dir = await freshDir();
    const store = await openFileStore(dir, { sealer: key(1) });
    await store.putStateMachine(machine());
    await store.createExecution(execution('sealed', { input: JSON.stringify({ token: secret }) }));
    await store.appendEvents(execution('sealed').executionArn, [
      {
        ...event(1, 'ExecutionStarted'),
        executionStartedEventDetails: { input: JSON.stringify({ token: secret }) },
      },
    ]);
    await store.close();
    const text = await filesText(dir);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('sealed');
    const reopened = await openFileStore(dir, { sealer: key(1) });
    expect((await reopened.getExecution(execution('sealed').executionArn))?.input).toContain(secret);
    const history = await reopened.getHistory(execution('sealed').executionArn, {});
    expect(JSON.stringify(history.events)).toContain(secret);
    await reopened.close();
  });

  it('refuses to open without the key or with another one, and cuts nothing off', async () => {
    const dir = await freshDir();
    const store = await openFileStore(dir, { sealer: key(1) });
    await store.putStateMachine(machine());
    await store.close();
    const before = await readFile(join(dir, 'records.jsonl'), 'utf8');
    await expect(openFileStore(dir)).rejects.toThrow(/sealed, and the store was opened without its key/);
    await expect(openFileStore(dir, { sealer: key(2) })).rejects.toThrow(CorruptStoreFile);
    await expect(openFileStore(dir, { sealer: key(2) })).rejects.toThrow(/does not open/);
    expect(await readFile(join(dir, 'records.jsonl'), 'utf8')).toBe(before);
  });

  it('migrates a data directory written before the log and before sealing, and seals it all', async () => {
    const dir = await freshDir();
    // The earlier format: records.jsonl a list of mutations, one history file per execution with
    // one event per line, plain JSON; here the last line torn by a crash.
    const old = execution('old');
    await writeFile(
      join(dir, 'records.jsonl'),
      [
        { op: 'putStateMachine', record: machine() },
        { op: 'createExecution', record: old },
        { op: 'updateExecution', executionArn: old.executionArn, set: { transitions: 2 }, unset: [] },
      ]
        .map((entry) => `${JSON.stringify(entry)}\n`)
        .join(''),
    );
    const hash = createHash('sha256').update(old.executionArn).digest('hex').slice(0, 32);
    await mkdir(join(dir, 'executions'));
    await writeFile(
      join(dir, 'executions', `${hash}.jsonl`),
      `${events(1, 2)
        .map((e) => `${JSON.stringify(e)}\n`)
        .join('')}{"timestamp":"2024-05-01T12:00:00.003Z","type":"PassSta`,
    );

    const sealed = await openFileStore(dir, { sealer: key(3) });
    expect(existsSync(join(dir, 'executions'))).toBe(false);
    expect(await sealed.getStateMachine(machine().stateMachineArn)).toEqual(machine());
    expect(await sealed.getExecution(old.executionArn)).toEqual(execution('old', { transitions: 2 }));
    expect((await sealed.getHistory(old.executionArn)).events).toEqual(events(1, 2));
    await sealed.appendEvents(old.executionArn, [event(3)]);
    await sealed.createExecution(execution('later'));
    await sealed.close();
    const text = await filesText(dir);
    expect(
      text
        .trim()
        .split('\n')
        .every((l) => l.startsWith('"')),
    ).toBe(true);
    const again = await openFileStore(dir, { sealer: key(3) });
    expect((await again.getHistory(old.executionArn)).events).toEqual(events(1, 3));
    expect((await again.listExecutions()).executions.map((e) => e.name)).toEqual(['later', 'old']);
    await again.close();
  });
});
