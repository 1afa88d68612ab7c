/**
 * The local Step Functions service alone, on a temp data dir, with one integration that records
 * every call and answers at once; an SDK client that makes one attempt (a retried 500 must not
 * hide behind a later success). Shared by the API suites of this folder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
  SFNServiceException,
} from '@aws-sdk/client-sfn';
import { expect } from 'vitest';
import { RoutingRegistry, type TaskRequest } from '../../../asl/index.ts';
import { type StepFunctionsService, startStepFunctions } from '../../../local/sfn/index.ts';

export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
export const roleArn = 'arn:aws:iam::111111111111:role/StepFunctionsRole';

/** Waits for a task token, so an execution stays RUNNING until the test ends it. */
export const waiting = JSON.stringify({
  QueryLanguage: 'JSONata',
  StartAt: 'Ask',
  States: {
    Ask: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Arguments: { QueueUrl: 'q', MessageBody: { token: '{% $states.context.Task.Token %}' } },
      End: true,
    },
  },
});

/** An execution's whole history through GetExecutionHistory, every page, oldest first. */
export async function wholeHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** The service error a call ends with (the test fails if it succeeds). */
export async function failure(promise: Promise<unknown>): Promise<SFNServiceException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SFNServiceException);
  return error as SFNServiceException;
}

export interface SfnFixture {
  readonly service: StepFunctionsService;
  readonly sfn: SFNClient;
  /** Every call the integration received, in order. */
  readonly calls: TaskRequest[];
  close(): Promise<void>;
}

export async function startSfn(): Promise<SfnFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'sfn-api-'));
  const calls: TaskRequest[] = [];
  const tasks = new RoutingRegistry().route(
    () => true,
    async (request) => {
      calls.push(request);
      return { ok: true, output: { MessageId: 'm1' } };
    },
  );
  const service = await startStepFunctions({ dataDir: dir, tasks });
  const sfn = new SFNClient({ region: 'us-east-1', endpoint: service.endpoint, credentials, maxAttempts: 1 });
  return {
    service,
    sfn,
    calls,
    close: async () => {
      sfn.destroy();
      await service.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
