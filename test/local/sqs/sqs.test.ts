import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure, NOW, type Running, removeDir, start, stop, tempDir } from './fixture.ts';

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

async function queue(name = 'jobs', attributes?: Record<string, string>): Promise<string> {
  const created = await running.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return created.QueueUrl ?? '';
}

async function counts(url: string): Promise<Record<string, string>> {
  const answer = await running.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return answer.Attributes ?? {};
}

describe('queues', () => {
  it('creates a queue idempotently, finds it by name, lists it and deletes it', async () => {
    const url = await queue('jobs');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/111111111111\/jobs$/);
    expect(await queue('jobs')).toBe(url);
    expect((await running.sqs.send(new GetQueueUrlCommand({ QueueName: 'jobs' }))).QueueUrl).toBe(url);
    await queue('other');
    const listed = await running.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'jo' }));
    expect(listed.QueueUrls).toEqual([url]);
    const attributes = await running.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
    );
    expect(attributes.Attributes).toMatchObject({
      QueueArn: 'arn:aws:sqs:us-east-1:111111111111:jobs',
      VisibilityTimeout: '30',
      MaximumMessageSize: '262144',
      MessageRetentionPeriod: '345600',
      ApproximateNumberOfMessages: '0',
      CreatedTimestamp: String(Math.floor(NOW / 1000)),
    });
    await running.sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    await failure(running.sqs.send(new GetQueueUrlCommand({ QueueName: 'jobs' })), 'QueueDoesNotExist');
    await failure(running.sqs.send(new CreateQueueCommand({ QueueName: 'jobs' })), 'QueueDeletedRecently');
    running.clock.now += 60_000;
    expect(await queue('jobs')).toBe(url);
  });

  it('pages ListQueues with MaxResults and NextToken', async () => {
    for (const name of ['a1', 'a2', 'a3']) await queue(name);
    const first = await running.sqs.send(new ListQueuesCommand({ MaxResults: 2 }));
    expect(first.QueueUrls?.map((url) => url.split('/').pop())).toEqual(['a1', 'a2']);
    const second = await running.sqs.send(
      new ListQueuesCommand({ MaxResults: 2, NextToken: first.NextToken }),
    );
    expect(second.QueueUrls?.map((url) => url.split('/').pop())).toEqual(['a3']);
    expect(second.NextToken).toBeUndefined();
  });

  it('enforces the queue name rules and refuses FIFO queues', async () => {
    await failure(
      running.sqs.send(new CreateQueueCommand({ QueueName: 'has space' })),
      'InvalidParameterValue',
    );
    await failure(
      running.sqs.send(new CreateQueueCommand({ QueueName: 'x'.repeat(81) })),
      'InvalidParameterValue',
    );
    await queue('x'.repeat(80));
    await failure(
      running.sqs.send(new CreateQueueCommand({ QueueName: 'orders.fifo' })),
      'UnsupportedOperation',
    );
    await failure(
      running.sqs.send(new CreateQueueCommand({ QueueName: 'orders', Attributes: { FifoQueue: 'true' } })),
      'UnsupportedOperation',
    );
  });

  it('validates attributes with AWS ranges and names, and refuses a conflicting re-create', async () => {
    await failure(
      running.sqs.send(
        new CreateQueueCommand({ QueueName: 'q', Attributes: { VisibilityTimeout: '43201' } }),
      ),
      'InvalidAttributeValue',
    );
    await failure(
      running.sqs.send(
        new CreateQueueCommand({ QueueName: 'q', Attributes: { Colour: 'red' } as Record<string, string> }),
      ),
      'InvalidAttributeName',
    );
    const url = await queue('q', { VisibilityTimeout: '10' });
    await failure(
      running.sqs.send(new CreateQueueCommand({ QueueName: 'q', Attributes: { VisibilityTimeout: '11' } })),
      'QueueNameExists',
    );
    await running.sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { DelaySeconds: '5' } }),
    );
    const answer = await running.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['DelaySeconds', 'VisibilityTimeout'] }),
    );
    expect(answer.Attributes).toEqual({ DelaySeconds: '5', VisibilityTimeout: '10' });
    await failure(
      running.sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { DelaySeconds: '901' } })),
      'InvalidAttributeValue',
    );
  });

  it('answers QueueDoesNotExist for an unknown queue URL', async () => {
    await failure(
      running.sqs.send(
        new SendMessageCommand({
          QueueUrl: `${running.service.endpoint}/111111111111/none`,
          MessageBody: 'x',
        }),
      ),
      'QueueDoesNotExist',
    );
  });
});

describe('messages', () => {
  it('sends, receives with attributes, hides for the visibility timeout, and deletes', async () => {
    const url = await queue();
    const sent = await running.sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'hello',
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: 'greeting' },
          size: { DataType: 'Number', StringValue: '5' },
          raw: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
        },
      }),
    );
    expect(sent.MD5OfMessageBody).toBe('5d41402abc4b2a76b9719d911017c592');
    // The SDK checks only MD5OfMessageBody; the attributes' digest must match the received one.
    expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    const received = await running.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        VisibilityTimeout: 10,
      }),
    );
    const message = received.Messages?.[0];
    expect(message?.Body).toBe('hello');
    expect(message?.MessageId).toBe(sent.MessageId);
    expect(message?.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(message?.MessageAttributes?.kind?.StringValue).toBe('greeting');
    expect([...(message?.MessageAttributes?.raw?.BinaryValue ?? [])]).toEqual([1, 2, 3]);
    expect(message?.Attributes).toMatchObject({
      ApproximateReceiveCount: '1',
      SentTimestamp: String(NOW),
      ApproximateFirstReceiveTimestamp: String(NOW),
    });
    expect(await counts(url)).toEqual({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '1',
      ApproximateNumberOfMessagesDelayed: '0',
    });
    expect((await running.sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toBeUndefined();
    running.clock.now += 10_000;
    const again = await running.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
    );
    expect(again.Messages?.[0]?.Attributes).toEqual({ ApproximateReceiveCount: '2' });
    // The first receipt handle is stale now: deleting with it succeeds and leaves the message.
    await running.sqs.send(
      new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message?.ReceiptHandle }),
    );
    expect((await counts(url)).ApproximateNumberOfMessagesNotVisible).toBe('1');
    await running.sqs.send(
      new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again.Messages?.[0]?.ReceiptHandle }),
    );
    expect(await counts(url)).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
    await failure(
      running.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'not-a-handle' })),
      'ReceiptHandleIsInvalid',
    );
  });

  it('delays messages and changes visibility', async () => {
    const url = await queue();
    await running.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 5 }));
    expect((await counts(url)).ApproximateNumberOfMessagesDelayed).toBe('1');
    expect((await running.sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toBeUndefined();
    running.clock.now += 5_000;
    const received = await running.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 100 }),
    );
    const handle = received.Messages?.[0]?.ReceiptHandle;
    await running.sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 0 }),
    );
    await failure(
      running.sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 5 }),
      ),
      'MessageNotInflight',
    );
    const again = await running.sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    expect(again.Messages?.[0]?.Body).toBe('later');
    await failure(
      running.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: url,
          ReceiptHandle: again.Messages?.[0]?.ReceiptHandle,
          VisibilityTimeout: 43201,
        }),
      ),
      'InvalidParameterValue',
    );
  });

  it('sends and deletes in batches, failing entries one by one', async () => {
    const url = await queue();
    const sent = await running.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'a', MessageBody: 'one' },
          { Id: 'b', MessageBody: 'two' },
          { Id: 'c', MessageBody: 'bad \u0000 char' },
        ],
      }),
    );
    expect(sent.Successful?.map((entry) => entry.Id)).toEqual(['a', 'b']);
    expect(sent.Failed).toEqual([
      expect.objectContaining({ Id: 'c', Code: 'InvalidMessageContents', SenderFault: true }),
    ]);
    const received = await running.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }),
    );
    expect(received.Messages?.map((message) => message.Body)).toEqual(['one', 'two']);
    const deleted = await running.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: (received.Messages ?? []).map((message, index) => ({
          Id: `m${index}`,
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
    expect(deleted.Successful).toHaveLength(2);
    expect(await counts(url)).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
    const eleven = Array.from({ length: 11 }, (_, index) => ({ Id: `e${index}`, MessageBody: 'x' }));
    await failure(
      running.sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: eleven })),
      'TooManyEntriesInBatchRequest',
    );
    await failure(
      running.sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })),
      'EmptyBatchRequest',
    );
    await failure(
      running.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: 'a', MessageBody: 'x' },
            { Id: 'a', MessageBody: 'y' },
          ],
        }),
      ),
      'BatchEntryIdsNotDistinct',
    );
    await failure(
      running.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'no spaces', MessageBody: 'x' }] }),
      ),
      'InvalidBatchEntryId',
    );
    const big = 'x'.repeat(100_000);
    await failure(
      running.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [1, 2, 3].map((index) => ({ Id: `b${index}`, MessageBody: big })),
        }),
      ),
      'BatchRequestTooLong',
    );
  });

  it('enforces the message size, MaxNumberOfMessages, WaitTimeSeconds and VisibilityTimeout limits', async () => {
    const url = await queue();
    await running.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(262_144) }));
    await failure(
      running.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(262_145) })),
      'InvalidParameterValue',
    );
    await failure(
      running.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', DelaySeconds: 901 })),
      'InvalidParameterValue',
    );
    await failure(
      running.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 })),
      'InvalidParameterValue',
    );
    await failure(
      running.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 21 })),
      'InvalidParameterValue',
    );
    await failure(
      running.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 43201 })),
      'InvalidParameterValue',
    );
    await failure(
      running.sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: 'x',
          MessageAttributes: { 'AWS.x': { DataType: 'String', StringValue: 'v' } },
        }),
      ),
      'InvalidParameterValue',
    );
  });

  it('long-polls: a receive waiting with WaitTimeSeconds returns the message sent meanwhile', async () => {
    const url = await queue();
    const waiting = running.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    await running.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'arrived' }));
    expect((await waiting).Messages?.[0]?.Body).toBe('arrived');
  });

  it('purges a queue, once a minute', async () => {
    const url = await queue();
    await running.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    await running.sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    expect((await counts(url)).ApproximateNumberOfMessages).toBe('0');
    await failure(running.sqs.send(new PurgeQueueCommand({ QueueUrl: url })), 'PurgeQueueInProgress');
  });
});
