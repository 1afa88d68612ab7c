import { describe, expect, it } from 'vitest';
import type { SqsContext } from '../../../local/sqs/context.ts';
import { createQueue } from '../../../local/sqs/queues.ts';
import { receiveMessage } from '../../../local/sqs/receive.ts';
import { QueueStore } from '../../../local/sqs/store.ts';
import { Waiters } from '../../../local/sqs/waiters.ts';
import { NOW, removeDir, tempDir } from './fixture.ts';

describe('long polling', () => {
  it('wakes a waiting poll on a notify of its queue, not of another', async () => {
    const waiters = new Waiters();
    let woken = false;
    const waiting = waiters.wait('jobs', Date.now() + 20_000).then(() => {
      woken = true;
    });
    waiters.notify('other');
    await Promise.resolve();
    expect(woken).toBe(false);
    waiters.notify('jobs');
    await waiting;
    expect(woken).toBe(true);
  });

  it('ends a receive waiting for WaitTimeSeconds when the endpoint closes', async () => {
    const dir = await tempDir();
    const store = await QueueStore.open(dir);
    const context: SqsContext = {
      store,
      region: 'us-east-1',
      account: '111111111111',
      now: () => NOW,
      host: '127.0.0.1',
      waiters: new Waiters(),
      deleted: new Map(),
      purged: new Map(),
      moveTasks: [],
    };
    try {
      const { QueueUrl } = (await createQueue(context, { QueueName: 'jobs' })) as { QueueUrl: string };
      const started = Date.now();
      const waiting = receiveMessage(context, { QueueUrl, WaitTimeSeconds: 20 });
      context.waiters.close();
      expect(await waiting).toEqual({});
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await store.close();
      await removeDir(dir);
    }
  });
});
