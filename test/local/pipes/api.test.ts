import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConflictException,
  CreatePipeCommand,
  type CreatePipeCommandInput,
  DeletePipeCommand,
  DescribePipeCommand,
  ListPipesCommand,
  NotFoundException,
  PipesClient,
  StartPipeCommand,
  StopPipeCommand,
  UpdatePipeCommand,
  ValidationException,
} from '@aws-sdk/client-pipes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePipe, type LocalPipes, type PipeDeclaration, startPipes } from '../../../local/pipes/index.ts';

const STREAM = 'arn:aws:dynamodb:us-east-1:111111111111:table/orders/stream/2026-01-01T00:00:00.000';
const MACHINE = 'arn:aws:states:us-east-1:111111111111:stateMachine:sync';
const ROLE = 'arn:aws:iam::111111111111:role/pipe';

function pipe(Name: string, extra: Partial<CreatePipeCommandInput> = {}): PipeDeclaration {
  return {
    Name,
    RoleArn: ROLE,
    Source: STREAM,
    SourceParameters: { DynamoDBStreamParameters: { StartingPosition: 'TRIM_HORIZON', BatchSize: 10 } },
    Target: MACHINE,
    TargetParameters: { StepFunctionStateMachineParameters: { InvocationType: 'REQUEST_RESPONSE' } },
    DesiredState: 'STOPPED',
    ...extra,
  };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('local Pipes API, through @aws-sdk/client-pipes', () => {
  let dir: string;
  let service: LocalPipes;
  let client: PipesClient;
  const nowhere = () => 'http://127.0.0.1:9';
  const open = async () => {
    service = await startPipes({
      dataDir: join(dir, 'pipes'),
      endpoints: { streams: nowhere, sfn: nowhere, sqs: nowhere },
    });
    client = new PipesClient({
      region: 'us-east-1',
      endpoint: service.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipes-api-'));
    await open();
  });
  afterAll(async () => {
    await service.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a pipe (CREATING), then describes it settled, with every member given', async () => {
    const created = await client.send(new CreatePipeCommand(pipe('orders-sync', { Description: 'orders' })));
    expect(created).toMatchObject({
      Name: 'orders-sync',
      Arn: 'arn:aws:pipes:us-east-1:111111111111:pipe/orders-sync',
      DesiredState: 'STOPPED',
      CurrentState: 'CREATING',
    });
    expect(created.CreationTime).toBeInstanceOf(Date);
    const described = await client.send(new DescribePipeCommand({ Name: 'orders-sync' }));
    expect(described).toMatchObject({
      Name: 'orders-sync',
      Description: 'orders',
      CurrentState: 'STOPPED',
      Source: STREAM,
      Target: MACHINE,
      RoleArn: ROLE,
      SourceParameters: { DynamoDBStreamParameters: { StartingPosition: 'TRIM_HORIZON', BatchSize: 10 } },
      TargetParameters: { StepFunctionStateMachineParameters: { InvocationType: 'REQUEST_RESPONSE' } },
    });
  });

  it('refuses a second pipe of the same name with ConflictException', async () => {
    const error = await failure(client.send(new CreatePipeCommand(pipe('orders-sync'))));
    expect(error).toBeInstanceOf(ConflictException);
  });

  it('answers NotFoundException for a pipe that does not exist', async () => {
    for (const command of [
      new DescribePipeCommand({ Name: 'nope' }),
      new StartPipeCommand({ Name: 'nope' }),
      new StopPipeCommand({ Name: 'nope' }),
      new DeletePipeCommand({ Name: 'nope' }),
      new UpdatePipeCommand({ Name: 'nope', RoleArn: ROLE }),
    ]) {
      // biome-ignore lint/suspicious/noExplicitAny: one loop over commands of different types
      expect(await failure(client.send(command as any))).toBeInstanceOf(NotFoundException);
    }
  });

  it('refuses what it cannot run with ValidationException naming it', async () => {
    const cases: Partial<CreatePipeCommandInput>[] = [
      { Source: 'arn:aws:sqs:us-east-1:111111111111:queue' },
      { Target: 'arn:aws:lambda:us-east-1:111111111111:function:f' },
      { TargetParameters: { StepFunctionStateMachineParameters: { InvocationType: 'FIRE_AND_FORGET' } } },
      { SourceParameters: { DynamoDBStreamParameters: { StartingPosition: 'TRIM_HORIZON', BatchSize: 0 } } },
      { SourceParameters: { DynamoDBStreamParameters: { StartingPosition: 'AT_TIMESTAMP' as 'LATEST' } } },
      {
        SourceParameters: {
          DynamoDBStreamParameters: {
            StartingPosition: 'LATEST',
            DeadLetterConfig: { Arn: 'arn:aws:sns:us-east-1:111111111111:t' },
          },
        },
      },
      {
        SourceParameters: {
          DynamoDBStreamParameters: { StartingPosition: 'LATEST' },
          FilterCriteria: { Filters: [{ Pattern: 'not json' }] },
        },
      },
      { Enrichment: MACHINE },
    ];
    for (const extra of cases) {
      const error = await failure(client.send(new CreatePipeCommand(pipe('bad', extra))));
      expect(error, JSON.stringify(extra)).toBeInstanceOf(ValidationException);
    }
    expect(await failure(client.send(new CreatePipeCommand(pipe('bad name!'))))).toBeInstanceOf(
      ValidationException,
    );
  });

  it('starts and stops a pipe, answering STARTING and STOPPING', async () => {
    const started = await client.send(new StartPipeCommand({ Name: 'orders-sync' }));
    expect(started).toMatchObject({ DesiredState: 'RUNNING', CurrentState: 'STARTING' });
    expect((await client.send(new DescribePipeCommand({ Name: 'orders-sync' }))).CurrentState).toBe(
      'RUNNING',
    );
    const stopped = await client.send(new StopPipeCommand({ Name: 'orders-sync' }));
    expect(stopped).toMatchObject({ DesiredState: 'STOPPED', CurrentState: 'STOPPING' });
    expect((await client.send(new DescribePipeCommand({ Name: 'orders-sync' }))).CurrentState).toBe(
      'STOPPED',
    );
  });

  it('updates the given members, replacing DynamoDBStreamParameters as a whole but keeping StartingPosition', async () => {
    const updated = await client.send(
      new UpdatePipeCommand({
        Name: 'orders-sync',
        RoleArn: ROLE,
        SourceParameters: { DynamoDBStreamParameters: { BatchSize: 50, MaximumRetryAttempts: 2 } },
      }),
    );
    expect(updated.CurrentState).toBe('UPDATING');
    const described = await client.send(new DescribePipeCommand({ Name: 'orders-sync' }));
    expect(described.SourceParameters?.DynamoDBStreamParameters).toEqual({
      BatchSize: 50,
      MaximumRetryAttempts: 2,
      StartingPosition: 'TRIM_HORIZON',
    });
    expect(described.Description).toBe('orders');
  });

  it('lists pipes with filters and pages', async () => {
    await client.send(new CreatePipeCommand(pipe('billing-sync')));
    await client.send(new CreatePipeCommand(pipe('orders-audit')));
    const all = await client.send(new ListPipesCommand({}));
    expect(all.Pipes?.map((p) => p.Name)).toEqual(['billing-sync', 'orders-audit', 'orders-sync']);
    const prefixed = await client.send(new ListPipesCommand({ NamePrefix: 'orders' }));
    expect(prefixed.Pipes?.map((p) => p.Name)).toEqual(['orders-audit', 'orders-sync']);
    const first = await client.send(new ListPipesCommand({ Limit: 2 }));
    expect(first.Pipes).toHaveLength(2);
    const second = await client.send(new ListPipesCommand({ Limit: 2, NextToken: first.NextToken }));
    expect(second.Pipes?.map((p) => p.Name)).toEqual(['orders-sync']);
    expect(second.NextToken).toBeUndefined();
  });

  it('keeps pipes across a restart, in an owner-only file', async () => {
    await service.close();
    await open();
    const described = await client.send(new DescribePipeCommand({ Name: 'orders-sync' }));
    expect(described.SourceParameters?.DynamoDBStreamParameters?.BatchSize).toBe(50);
    expect((await stat(join(dir, 'pipes', 'pipes.json'))).mode & 0o777).toBe(0o600);
  });

  it('deletes a pipe (DELETING), after which it is not found', async () => {
    const deleted = await client.send(new DeletePipeCommand({ Name: 'orders-audit' }));
    expect(deleted).toMatchObject({ DesiredState: 'DELETED', CurrentState: 'DELETING' });
    expect(await failure(client.send(new DescribePipeCommand({ Name: 'orders-audit' })))).toBeInstanceOf(
      NotFoundException,
    );
  });

  it('deploys a declaration idempotently (ensurePipe): created, unchanged, updated, replaced', async () => {
    const declared = pipe('deployed', {
      SourceParameters: {
        DynamoDBStreamParameters: { StartingPosition: 'TRIM_HORIZON', BatchSize: 10 },
        FilterCriteria: { Filters: [{ Pattern: '{"eventName": ["INSERT"]}' }] },
      },
    });
    expect(await ensurePipe(client, declared)).toBe('created');
    expect(await ensurePipe(client, declared)).toBe('unchanged');
    const unfiltered = pipe('deployed', {
      SourceParameters: { DynamoDBStreamParameters: { StartingPosition: 'TRIM_HORIZON', BatchSize: 20 } },
    });
    expect(await ensurePipe(client, unfiltered)).toBe('updated');
    expect(await ensurePipe(client, unfiltered)).toBe('unchanged');
    const described = await client.send(new DescribePipeCommand({ Name: 'deployed' }));
    expect(described.SourceParameters).toEqual({
      DynamoDBStreamParameters: { StartingPosition: 'TRIM_HORIZON', BatchSize: 20 },
    });
    const latest = pipe('deployed', {
      SourceParameters: { DynamoDBStreamParameters: { StartingPosition: 'LATEST', BatchSize: 20 } },
    });
    expect(await ensurePipe(client, latest)).toBe('replaced');
    expect(await ensurePipe(client, latest)).toBe('unchanged');
  });
});
