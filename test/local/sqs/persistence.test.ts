import { appendFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { NOW, type Running, removeDir, start, stop, tempDir } from './fixture.ts';

let running: Running | undefined;
let dir: string | undefined;

afterEach(async () => {
  await stop(running);
  running = undefined;
  await removeDir(dir);
});

describe('persistence', () => {
  it('keeps queues, messages and their visibility across a restart, in owner-only files', async () => {
    dir = await tempDir();
    const clock = { now: NOW };
    running = await start(dir, clock);
    const url =
      (
        await running.sqs.send(
          new CreateQueueCommand({ QueueName: 'kept', Attributes: { VisibilityTimeout: '60' } }),
        )
      ).QueueUrl ?? '';
    await running.sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'first',
        MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } },
      }),
    );
    await running.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'second' }));
    await running.sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    await stop(running);

    running = await start(dir, clock);
    // The restarted endpoint has another port: the old URL's path still names the queue.
    const attributes = await running.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
    );
    expect(attributes.Attributes).toMatchObject({
      VisibilityTimeout: '60',
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '1',
    });
    clock.now += 60_000;
    const received = await running.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    expect(received.Messages?.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([
      ['first', '2'],
      ['second', '1'],
    ]);
    expect(received.Messages?.[0]?.MessageAttributes?.k?.StringValue).toBe('v');

    expect((await stat(dir)).mode & 0o077).toBe(0);
    for (const name of await readdir(dir)) expect((await stat(join(dir, name))).mode & 0o077).toBe(0);
  });

  it('drops a torn last journal line (a crash mid-append, never acknowledged)', async () => {
    dir = await tempDir();
    running = await start(dir);
    const url = (await running.sqs.send(new CreateQueueCommand({ QueueName: 'torn' }))).QueueUrl ?? '';
    await running.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'whole' }));
    await stop(running);
    await appendFile(join(dir, 'journal.jsonl'), '{"t":"message","queue":"torn","mess');
    running = await start(dir);
    const received = await running.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }),
    );
    expect(received.Messages?.map((m) => m.Body)).toEqual(['whole']);
  });
});
