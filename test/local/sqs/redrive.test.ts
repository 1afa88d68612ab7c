import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure, type Running, removeDir, start, stop, tempDir } from './fixture.ts';

let running: Running;
let dir: string;

beforeEach(async () => {
  dir = await tempDir();
  running = await start(dir);
});

afterEach(async () => {
  await stop(running);
  await removeDir(dir);
});

const DLQ_ARN = 'arn:aws:sqs:us-east-1:111111111111:jobs-dlq';

async function pair(): Promise<{ source: string; dlq: string }> {
  const dlq = (await running.sqs.send(new CreateQueueCommand({ QueueName: 'jobs-dlq' }))).QueueUrl ?? '';
  const source =
    (
      await running.sqs.send(
        new CreateQueueCommand({
          QueueName: 'jobs',
          Attributes: {
            VisibilityTimeout: '1',
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: DLQ_ARN, maxReceiveCount: 2 }),
          },
        }),
      )
    ).QueueUrl ?? '';
  return { source, dlq };
}

describe('redrive', () => {
  it('moves a message received maxReceiveCount times to the dead-letter queue', async () => {
    const { source, dlq } = await pair();
    await running.sqs.send(new SendMessageCommand({ QueueUrl: source, MessageBody: 'poison' }));
    for (const count of ['1', '2']) {
      const received = await running.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: source,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      expect(received.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe(count);
      running.clock.now += 1_000;
    }
    // The third receive finds it past maxReceiveCount: it goes to the DLQ instead.
    expect(
      (await running.sqs.send(new ReceiveMessageCommand({ QueueUrl: source }))).Messages,
    ).toBeUndefined();
    const dead = await running.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlq, MessageSystemAttributeNames: ['All'] }),
    );
    expect(dead.Messages?.[0]?.Body).toBe('poison');
    expect(dead.Messages?.[0]?.Attributes?.DeadLetterQueueSourceArn).toBe(
      'arn:aws:sqs:us-east-1:111111111111:jobs',
    );
    const sources = await running.sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }));
    expect(sources.queueUrls).toEqual([source]);
    const attributes = await running.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: source, AttributeNames: ['RedrivePolicy'] }),
    );
    expect(JSON.parse(attributes.Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: DLQ_ARN,
      maxReceiveCount: 2,
    });
  });

  it('moves dead letters back to their source with StartMessageMoveTask', async () => {
    const { source, dlq } = await pair();
    await running.sqs.send(new SendMessageCommand({ QueueUrl: source, MessageBody: 'retry me' }));
    for (let i = 0; i < 3; i += 1) {
      await running.sqs.send(new ReceiveMessageCommand({ QueueUrl: source }));
      running.clock.now += 1_000;
    }
    const task = await running.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: DLQ_ARN }));
    expect(task.TaskHandle).toBeTruthy();
    const tasks = await running.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: DLQ_ARN }));
    expect(tasks.Results?.[0]).toMatchObject({ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 1 });
    expect((await running.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq }))).Messages).toBeUndefined();
    const back = await running.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: source,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    expect(back.Messages?.[0]?.Body).toBe('retry me');
    expect(back.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('1');
  });

  it('refuses a redrive policy to a missing queue and a move task from a queue that is no DLQ', async () => {
    const { source } = await pair();
    await failure(
      running.sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: source,
          Attributes: {
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: 'arn:aws:sqs:us-east-1:111111111111:nope',
              maxReceiveCount: 2,
            }),
          },
        }),
      ),
      'InvalidAttributeValue',
    );
    await failure(
      running.sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: source,
          Attributes: {
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: DLQ_ARN, maxReceiveCount: 1001 }),
          },
        }),
      ),
      'InvalidAttributeValue',
    );
    await failure(
      running.sqs.send(
        new StartMessageMoveTaskCommand({ SourceArn: 'arn:aws:sqs:us-east-1:111111111111:jobs' }),
      ),
      'InvalidParameterValue',
    );
  });
});
