import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Entry, QueueStore, type StoredMessage } from '../../../local/sqs/store.ts';
import { NOW, removeDir, tempDir } from './fixture.ts';

let dir: string | undefined;

afterEach(async () => {
  await removeDir(dir);
  dir = undefined;
});

const message = (id: string): StoredMessage => ({
  id,
  body: `body ${id}`,
  attributes: {},
  system: {},
  sent: NOW,
  visibleAt: NOW,
  receiveCount: 0,
  inflight: false,
});

describe('QueueStore', () => {
  it('rewrites its journal while running once it has grown past compactAfter, keeping the same state', async () => {
    dir = await tempDir();
    const store = await QueueStore.open(dir, { compactAfter: 10 });
    await store.commit({
      t: 'queue',
      queue: { name: 'q', created: NOW, modified: NOW, attributes: {}, tags: {} },
    });
    for (let i = 0; i < 30; i += 1) {
      const entries: Entry[] = [{ t: 'message', queue: 'q', message: message(`m${i}`) }];
      if (i < 28) entries.push({ t: 'remove', queue: 'q', id: `m${i}` });
      await store.commit(...entries);
    }
    await store.close();
    const lines = (await readFile(join(dir, 'journal.jsonl'), 'utf8')).trim().split('\n');
    // 61 records were appended; the rewrites keep the journal near the 3 live ones.
    expect(lines.length).toBeLessThan(20);
    const reopened = await QueueStore.open(dir);
    expect([...(reopened.queues.get('q')?.messages.keys() ?? [])]).toEqual(['m28', 'm29']);
    await reopened.close();
  });
});
