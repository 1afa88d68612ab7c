/**
 * The file store's write-ahead log: group commit, and what a crash leaves. A crash is the
 * store's files as they are at some moment while it runs, copied and opened elsewhere (the
 * running store is never closed, as a killed process never closes it).
 */
import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../../asl/runtime/history.ts';
import { type ExecutionStore, openFileStore, Sealer } from '../../../asl/store/index.ts';
import { WriteAheadLog } from '../../../asl/store/private/wal.ts';
import { event, events, execution } from './fixtures.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'asl-wal-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const freshDir = () => mkdtemp(join(root, 'store-'));
const sealer = Sealer.fromKey(new Uint8Array(32).fill(9));
/** Large enough that no checkpoint runs unless a test asks for one. */
const NO_CHECKPOINT = 1 << 30;

async function logLines(dir: string): Promise<string[]> {
  const names = (await readdir(join(dir, 'wal'))).sort();
  const texts = await Promise.all(names.map((n) => readFile(join(dir, 'wal', n), 'utf8')));
  return texts.join('').split('\n').filter(Boolean);
}

/**
 * The files of a store that is still running, as a crash would leave them. Copied synchronously,
 * so the store's next step waits; a file operation it already started may land during the copy,
 * as it may at a crash (a file it deleted meanwhile: copy again).
 */
async function crashImage(dir: string): Promise<string> {
  const image = await mkdtemp(join(root, 'crash-'));
  for (;;) {
    try {
      cpSync(dir, image, { recursive: true });
      return image;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      rmSync(image, { recursive: true });
    }
  }
}

/** The log's lines, read without letting the store run meanwhile. */
function logLinesNow(dir: string): string[] {
  const names = readdirSync(join(dir, 'wal')).sort();
  return names
    .map((n) => readFileSync(join(dir, 'wal', n), 'utf8'))
    .join('')
    .split('\n')
    .filter(Boolean);
}

async function historyOf(store: ExecutionStore, name: string): Promise<HistoryEvent[]> {
  return (await store.getHistory(execution(name).executionArn)).events;
}

describe('WriteAheadLog.pending', () => {
  it('is never a settled promise, even while a rotate after the last batch is still running', async () => {
    // A close() waits with `while (pending) await pending`: a settled promise there would spin on
    // microtasks forever and starve the rotate's own I/O (seen as a hang under load).
    const dir = await freshDir();
    const wal = await WriteAheadLog.open(dir, 1, { fsync: false, sealer: undefined });
    const appended = wal.append('{"a":1}');
    const rotated = wal.rotate();
    expect(wal.pending).toBeDefined();
    await appended; // durable; the rotate is now opening the next segment
    expect(wal.pending).toBeUndefined();
    expect(await rotated).toBe(2);
    await wal.close();
  });
});

describe('FileStore group commit', () => {
  it('writes what arrives during a sync together, one line per commit, in call order per execution', async () => {
    const dir = await freshDir();
    const store = await openFileStore(dir, { sealer, checkpointBytes: NO_CHECKPOINT });
    const names = ['a', 'b', 'c', 'd'];
    for (const name of names) await store.createExecution(execution(name));
    const before = (await logLines(dir)).length;
    const order: string[] = [];
    const appends: Promise<void>[] = [];
    for (let id = 1; id <= 50; id++) {
      for (const name of names) {
        const append = store.appendEvents(execution(name).executionArn, [event(id)]);
        appends.push(append.then(() => void order.push(`${name}${id}`)));
      }
    }
    await Promise.all(appends);
    // 200 appends, none awaited before the next: far fewer commits than appends.
    expect((await logLines(dir)).length - before).toBeLessThan(20);
    for (const name of names) {
      const resolved = order.filter((o) => o.startsWith(name)).map((o) => Number(o.slice(1)));
      expect(resolved).toEqual(events(1, 50).map((e) => e.id));
    }
    const image = await crashImage(dir);
    const reopened = await openFileStore(image, { sealer });
    for (const name of names) expect(await historyOf(reopened, name)).toEqual(events(1, 50));
    await reopened.close();
    await store.close();
  });

  it('resolves an append only once its line is in the file', async () => {
    const dir = await freshDir();
    const store = await openFileStore(dir, { checkpointBytes: NO_CHECKPOINT });
    await store.createExecution(execution('h'));
    const lines = logLinesNow(dir);
    let durable = false;
    const append = store.appendEvents(execution('h').executionArn, [event(1)]).then(() => {
      durable = true;
      return logLinesNow(dir);
    });
    expect(logLinesNow(dir)).toEqual(lines); // queued: it goes out with whatever else arrives this turn
    expect((await append).at(-1)).toContain('"appendEvents"');
    expect(durable).toBe(true);
    await store.close();
  });

  it('lets a read see only what is on disk: it answers once the write it reflects is durable', async () => {
    const dir = await freshDir();
    const store = await openFileStore(dir, { checkpointBytes: NO_CHECKPOINT });
    await store.createExecution(execution('h'));
    const { executionArn } = execution('h');
    let durable = false;
    const append = store.appendEvents(executionArn, [event(1)]).then(() => {
      durable = true;
    });
    const read = await store.getHistory(executionArn);
    expect(durable).toBe(true);
    expect(read.events).toEqual([event(1)]);
    await append;
    await store.close();
  });
});

describe('FileStore after a crash', () => {
  it.each([
    ['without checkpoints', NO_CHECKPOINT],
    ['with checkpoints running meanwhile', 2048],
  ])(
    'loses nothing acknowledged, at any moment of a concurrent workload (%s)',
    async (_, checkpointBytes) => {
      const dir = await freshDir();
      const store = await openFileStore(dir, { sealer, checkpointBytes });
      const names = Array.from({ length: 8 }, (_, i) => `x${i}`);
      const acknowledged = new Map<string, number>(names.map((n) => [n, 0]));
      const images: { image: string; acknowledged: Map<string, number> }[] = [];
      let committed = () => {};
      const run = async (name: string) => {
        await store.createExecution(execution(name));
        for (let id = 1; id <= 60; id += 3) {
          // Three appends in flight at once on one execution, as the engine makes them.
          await Promise.all(
            [id, id + 1, id + 2].map((n) =>
              store.appendEvents(execution(name).executionArn, [event(n)]).then(() => {
                acknowledged.set(name, Math.max(acknowledged.get(name) ?? 0, n));
                committed();
              }),
            ),
          );
        }
        await store.updateExecution(execution(name).executionArn, { status: 'SUCCEEDED' });
      };
      let finished = false;
      const workload = Promise.all(names.map(run)).then(() => {
        finished = true;
        committed();
      });
      // One crash image after each group commit: between it and the next, the log moves on.
      while (!finished) {
        await new Promise<void>((resolve) => {
          committed = resolve;
        });
        const seen = new Map(acknowledged);
        images.push({ image: await crashImage(dir), acknowledged: seen });
      }
      await workload;
      // Crashes in the middle: some executions part way through their history.
      expect(images.some((i) => [...i.acknowledged.values()].some((n) => n > 0 && n < 60))).toBe(true);
      images.push({ image: await crashImage(dir), acknowledged: new Map(acknowledged) });
      for (const { image, acknowledged: seen } of images) {
        const reopened = await openFileStore(image, { sealer });
        for (const name of names) {
          const record = await reopened.getExecution(execution(name).executionArn);
          if (record === undefined) {
            expect(seen.get(name)).toBe(0);
            continue;
          }
          const history = await historyOf(reopened, name);
          expect(history.length).toBeGreaterThanOrEqual(seen.get(name) ?? 0);
          expect(history).toEqual(events(1, history.length)); // contiguous, nothing twice
        }
        await reopened.close();
      }
      const last = await openFileStore(images.at(-1)?.image ?? '', { sealer });
      for (const name of names) {
        expect((await last.getExecution(execution(name).executionArn))?.status).toBe('SUCCEEDED');
        expect(await historyOf(last, name)).toEqual(events(1, 60));
      }
      await last.close();
      await store.close();
    },
  );

  it('tolerates a torn last line of the log: the commit it held was never acknowledged', async () => {
    const dir = await freshDir();
    const store = await openFileStore(dir, { sealer, checkpointBytes: NO_CHECKPOINT });
    await store.createExecution(execution('h'));
    await store.appendEvents(execution('h').executionArn, events(1, 3));
    await store.appendEvents(execution('h').executionArn, [event(4)]);
    const image = await crashImage(dir);
    const [segment] = await readdir(join(image, 'wal'));
    const file = join(image, 'wal', segment ?? '');
    const text = await readFile(file, 'utf8');
    const lastLine = text.slice(text.lastIndexOf('\n', text.length - 2) + 1);
    await truncate(file, Buffer.byteLength(text) - Math.floor(lastLine.length / 2));
    const reopened = await openFileStore(image, { sealer });
    expect(await historyOf(reopened, 'h')).toEqual(events(1, 3));
    await reopened.appendEvents(execution('h').executionArn, [event(4)]);
    await reopened.close();
    const again = await openFileStore(image, { sealer });
    expect(await historyOf(again, 'h')).toEqual(events(1, 4));
    await again.close();
    await store.close();
  });

  it.each([
    ['after the pack was written', ['histories']],
    ['after records.jsonl was replaced, before the log was deleted', ['histories', 'records.jsonl']],
  ])('files no event twice when a crash cut a checkpoint short, %s', async (_, written) => {
    const dir = await freshDir();
    const store = await openFileStore(dir, { checkpointBytes: NO_CHECKPOINT });
    await store.createExecution(execution('h'));
    await store.appendEvents(execution('h').executionArn, events(1, 5));
    // The log holds the events; the checkpoint at close packs them. The crash image has the log
    // and what the checkpoint had written when it came.
    const image = await crashImage(dir);
    await store.close();
    for (const name of written) cpSync(join(dir, name), join(image, name), { recursive: true });
    const reopened = await openFileStore(image);
    expect(await historyOf(reopened, 'h')).toEqual(events(1, 5));
    await reopened.appendEvents(execution('h').executionArn, [event(6)]);
    await reopened.close();
    const again = await openFileStore(image);
    expect(await historyOf(again, 'h')).toEqual(events(1, 6));
    await again.close();
  });

  it('leaves an empty log after close, and opens the same from it', async () => {
    const dir = await freshDir();
    const store = await openFileStore(dir, { sealer, checkpointBytes: 4096 });
    const names = Array.from({ length: 5 }, (_, i) => `c${i}`);
    await Promise.all(
      names.map(async (name) => {
        await store.createExecution(execution(name));
        for (let id = 1; id <= 80; id++) await store.appendEvents(execution(name).executionArn, [event(id)]);
      }),
    );
    await store.close();
    expect(await logLines(dir)).toEqual([]);
    const reopened = await openFileStore(dir, { sealer });
    for (const name of names) expect(await historyOf(reopened, name)).toEqual(events(1, 80));
    await reopened.close();
  });
});
