import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  CreatePipeCommand,
  ListPipesCommand,
  PipesClient,
  StartPipeCommand,
  StopPipeCommand,
} from '@aws-sdk/client-pipes';
import { CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../local/cloud.ts';
import type { PipeStatus } from '../../../local/pipes/index.ts';
import { PortInUseError } from '../../../local/ports.ts';

/**
 * The target: an Express machine that keeps every batch it is given in the `seen` table (in
 * invocation order) and answers `batchItemFailures` for the records marked `poison`. A batch with
 * a record marked `slow` takes 3 seconds (a batch surely in flight for a test to stop the cloud).
 */
const DEFINITION = {
  QueryLanguage: 'JSONata',
  StartAt: 'Pace',
  States: {
    Pace: {
      Type: 'Choice',
      Choices: [
        { Condition: '{% $count($states.input[dynamodb.NewImage.slow.BOOL = true]) > 0 %}', Next: 'Slow' },
      ],
      Default: 'Keep',
    },
    Slow: { Type: 'Wait', Seconds: 3, Next: 'Keep' },
    Keep: {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:dynamodb:putItem',
      Arguments: {
        TableName: 'seen',
        Item: {
          id: { S: "{% $states.context.Execution.StartTime & '#' & $states.context.Execution.Name %}" },
          batch: { S: '{% $string($states.input) %}' },
        },
      },
      Output:
        "{% {'batchItemFailures': [$states.input[dynamodb.NewImage.poison.BOOL = true].{'itemIdentifier': dynamodb.SequenceNumber}]} %}",
      End: true,
    },
  },
};

interface Seen {
  dynamodb: { Keys: { id: { S: string } }; NewImage: { v: { N: string } }; SequenceNumber: string };
  eventSourceARN: string;
  eventName: string;
}

describe('local Pipes runner, on the local cloud: DynamoDB stream → Express state machine', () => {
  let dir: string;
  let cloud: LocalCloud;
  let streamArn: string;
  const pipeArn = 'arn:aws:pipes:us-east-1:111111111111:pipe/orders-sync';
  const clients = () => ({
    dynamodb: new DynamoDBClient(cloud.sdkConfig('DYNAMODB')),
    sqs: new SQSClient(cloud.sdkConfig('SQS')),
  });
  const put = (id: string, v: number, mark?: 'poison' | 'slow') =>
    clients().dynamodb.send(
      new PutItemCommand({
        TableName: 'orders',
        Item: { id: { S: id }, v: { N: String(v) }, ...(mark ? { [mark]: { BOOL: true } } : {}) },
      }),
    );
  const status = async (): Promise<PipeStatus> => {
    const response = await fetch(`${cloud.sdkConfig('PIPES').endpoint}/local/pipes/orders-sync/status`);
    return (await response.json()) as PipeStatus;
  };
  /** Waits until the pipe has read `read` records and is done with all of them. */
  const drained = async (read: number) => {
    for (let i = 0; i < 400; i += 1) {
      const s = await status();
      if (s.recordsRead >= read && s.pending === 0) return s;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the pipe did not drain: ${JSON.stringify(await status())}`);
  };
  const batches = async (): Promise<Seen[][]> => {
    const items = (await clients().dynamodb.send(new ScanCommand({ TableName: 'seen' }))).Items ?? [];
    return items
      .map((item) => [item.id?.S ?? '', JSON.parse(item.batch?.S ?? '[]') as Seen[]] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, batch]) => batch);
  };

  /**
   * Starts the cloud again on the same data. Test files run in parallel, so another one's cloud
   * may have taken a port kept in ports.json meanwhile: then new ports are chosen (the pipe's
   * checkpoints do not depend on them).
   */
  const restart = async () => {
    try {
      return await startLocalCloud({ dataDir: dir });
    } catch (error) {
      if (!(error instanceof PortInUseError)) throw error;
      await rm(join(dir, 'ports.json'));
      return startLocalCloud({ dataDir: dir });
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipes-runner-'));
    cloud = await startLocalCloud({ dataDir: dir });
    const { dynamodb, sqs } = clients();
    const table = await dynamodb.send(
      new CreateTableCommand({
        TableName: 'orders',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    streamArn = table.TableDescription?.LatestStreamArn ?? '';
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'seen',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await sqs.send(new CreateQueueCommand({ QueueName: 'pipe-dlq' }));
    const machine = await new SFNClient(cloud.sdkConfig('SFN')).send(
      new CreateStateMachineCommand({
        name: 'sync',
        type: 'EXPRESS',
        roleArn: 'arn:aws:iam::111111111111:role/sfn',
        definition: JSON.stringify(DEFINITION),
      }),
    );
    // Written before the pipe exists: TRIM_HORIZON reads them as one batch.
    for (const v of [1, 2]) for (const id of ['a', 'b', 'c']) await put(id, v);
    await put('p', 1, 'poison');
    for (const id of ['a', 'b', 'c']) await put(id, 3);
    await new PipesClient(cloud.sdkConfig('PIPES')).send(
      new CreatePipeCommand({
        Name: 'orders-sync',
        RoleArn: 'arn:aws:iam::111111111111:role/pipe',
        Source: streamArn,
        SourceParameters: {
          DynamoDBStreamParameters: {
            StartingPosition: 'TRIM_HORIZON',
            BatchSize: 20,
            MaximumRetryAttempts: 2,
            OnPartialBatchItemFailure: 'AUTOMATIC_BISECT',
            DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:111111111111:pipe-dlq' },
          },
        },
        Target: machine.stateMachineArn,
        TargetParameters: { StepFunctionStateMachineParameters: { InvocationType: 'REQUEST_RESPONSE' } },
      }),
    );
    await drained(10);
  }, 120_000);

  afterAll(async () => {
    await cloud?.close();
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('serves the Pipes API on the edge too (the pipes signing name)', async () => {
    const viaEdge = new PipesClient({ ...cloud.sdkConfig('PIPES'), endpoint: cloud.edge });
    const { Pipes } = await viaEdge.send(new ListPipesCommand({}));
    expect(Pipes?.map((p) => [p.Name, p.CurrentState])).toEqual([['orders-sync', 'RUNNING']]);
  });

  it('hands the target records in the Pipes shape, in order per key (redelivered, never reordered)', async () => {
    const all = (await batches()).flat();
    expect(all[0]).toMatchObject({
      eventName: 'INSERT',
      eventSourceARN: streamArn,
      eventSource: 'aws:dynamodb',
    });
    for (const id of ['a', 'b', 'c']) {
      const versions = all
        .filter((r) => r.dynamodb.Keys.id.S === id)
        .map((r) => Number(r.dynamodb.NewImage.v.N));
      expect(versions, id).toEqual([...versions].sort((x, y) => x - y));
      expect(new Set(versions), id).toEqual(new Set([1, 2, 3]));
    }
  });

  it('retries the failed record alone after bisecting, 1 + MaximumRetryAttempts times, then sends it to the DLQ', async () => {
    const seen = await batches();
    // The first batch held all ten records and failed from the poison record on.
    expect(seen[0]).toHaveLength(10);
    const poison = seen[0]?.[6];
    expect(poison?.dynamodb.Keys.id.S).toBe('p');
    const alone = seen.filter((b) => b.length === 1 && b[0]?.dynamodb.Keys.id.S === 'p');
    expect(alone).toHaveLength(3);
    const { Messages } = await clients().sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: `${cloud.sdkConfig('SQS').endpoint}/111111111111/pipe-dlq`,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    expect(Messages).toHaveLength(1);
    const body = JSON.parse(Messages?.[0]?.Body ?? '{}');
    expect(body).toMatchObject({
      context: { partnerResourceArn: pipeArn, condition: 'RetryAttemptsExhausted' },
      version: '1.0',
      DDBStreamBatchInfo: {
        startSequenceNumber: poison?.dynamodb.SequenceNumber,
        endSequenceNumber: poison?.dynamodb.SequenceNumber,
        batchSize: 1,
        streamArn,
      },
    });
    expect(body.DDBStreamBatchInfo.shardId).toMatch(/^shardId-/);
    expect(body.DDBStreamBatchInfo.approximateArrivalOfFirstRecord).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
    const s = await status();
    expect(s).toMatchObject({ recordsDeadLettered: 1, deadLetterMessages: 1, lagMs: 0 });
  });

  it('loses nothing and reorders nothing when the cloud is stopped mid-stream', async () => {
    const before = (await batches()).length;
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4'];
    const invoked = (await status()).invocations;
    // The first record makes its batch slow (3 s); the other 59 are written while it is in flight,
    // and the cloud is stopped before it ends: the stop lets it finish and checkpoint, and the
    // restarted pipe delivers the rest.
    await put('k0', 1, 'slow');
    for (let i = 0; i < 400 && (await status()).invocations === invoked; i += 1) {
      await new Promise((r) => setTimeout(r, 5));
    }
    for (let v = 1; v <= 12; v += 1) for (const id of keys) if (v > 1 || id !== 'k0') await put(id, v);
    await cloud.close();
    cloud = await restart();
    // The restarted runner had records left to deliver: the stop was mid-stream.
    expect((await drained(1)).recordsRead).toBeGreaterThan(0);
    for (let i = 0; i < 400; i += 1) {
      const delivered = (await batches())
        .slice(before)
        .flat()
        .filter((r) => r.dynamodb.NewImage.v.N === '12');
      if (delivered.length === keys.length) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const after = (await batches()).slice(before).flat();
    for (const id of keys) {
      const versions = after
        .filter((r) => r.dynamodb.Keys.id.S === id)
        .map((r) => Number(r.dynamodb.NewImage.v.N));
      expect(versions, id).toEqual([...versions].sort((x, y) => x - y));
      expect(new Set(versions).size, id).toBe(12);
    }
  }, 120_000);

  it('resumes from its checkpoint after a restart: nothing delivered again, nothing lost', async () => {
    const before = (await batches()).length;
    const checkpoint = Object.values((await status()).checkpoints)[0];
    await cloud.close();
    cloud = await restart();
    for (const id of ['a', 'b', 'c']) await put(id, 4);
    await drained(3);
    const after = (await batches()).slice(before).flat();
    expect(after.map((r) => `${r.dynamodb.Keys.id.S}${r.dynamodb.NewImage.v.N}`)).toEqual(['a4', 'b4', 'c4']);
    expect(after.every((r) => BigInt(r.dynamodb.SequenceNumber) > BigInt(checkpoint ?? '0'))).toBe(true);
  }, 120_000);

  it('delivers nothing while stopped (StopPipe), and what was written meanwhile once started again', async () => {
    const pipes = new PipesClient(cloud.sdkConfig('PIPES'));
    await pipes.send(new StopPipeCommand({ Name: 'orders-sync' }));
    const before = (await batches()).length;
    await put('a', 5);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await batches()).toHaveLength(before);
    expect((await status()).state).toBe('STOPPED');
    await pipes.send(new StartPipeCommand({ Name: 'orders-sync' }));
    await drained(1);
    const after = (await batches()).slice(before).flat();
    expect(after.map((r) => `${r.dynamodb.Keys.id.S}${r.dynamodb.NewImage.v.N}`)).toEqual(['a5']);
  });
});
