import {
  CreateStateMachineCommand,
  type CreateStateMachineCommandInput,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  type SFNClient,
  type SFNServiceException,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskRequest } from '../../../asl/index.ts';
import { failure, roleArn, type SfnFixture, startSfn, waiting } from './fixture.ts';

describe('local Step Functions StartExecution, through @aws-sdk/client-sfn', () => {
  let fixture: SfnFixture;
  let sfn: SFNClient;
  let calls: TaskRequest[];
  beforeAll(async () => {
    fixture = await startSfn();
    ({ sfn, calls } = fixture);
  }, 60_000);
  afterAll(() => fixture.close(), 60_000);

  const create = (name: string, extra: Partial<CreateStateMachineCommandInput> = {}) =>
    sfn.send(new CreateStateMachineCommand({ name, definition: waiting, roleArn, ...extra }));

  describe('StartExecution by name', () => {
    it('is idempotent and atomic: 16 concurrent starts with one name and input make one execution', async () => {
      const { stateMachineArn } = await create('Concurrent');
      const start = () =>
        sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'same', input: '{"order":1}' }));
      const answers = await Promise.allSettled(Array.from({ length: 16 }, start));
      const fulfilled = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
      expect(answers.filter((a) => a.status === 'rejected')).toEqual([]);
      expect(new Set(fulfilled.map((a) => a.executionArn))).toEqual(
        new Set(['arn:aws:states:us-east-1:111111111111:execution:Concurrent:same']),
      );
      expect(new Set(fulfilled.map((a) => a.startDate?.getTime())).size).toBe(1);
      const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
      expect(listed.executions?.map((e) => e.name)).toEqual(['same']);
      const history = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn: fulfilled[0]?.executionArn }),
      );
      expect(history.events?.filter((e) => e.type === 'ExecutionStarted')).toHaveLength(1);
      // One execution ran: its task was called once.
      const arn = fulfilled[0]?.executionArn;
      for (let i = 0; i < 200 && !calls.some((c) => c.execution.executionArn === arn); i++) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(calls.filter((c) => c.execution.executionArn === arn)).toHaveLength(1);
      // Whitespace alone does not make another input: the same JSON is the same request.
      const pretty = await sfn.send(
        new StartExecutionCommand({ stateMachineArn, name: 'same', input: '{ "order": 1 }' }),
      );
      expect(pretty.executionArn).toBe(fulfilled[0]?.executionArn);
    });

    it('answers ExecutionAlreadyExists, never a 500, to concurrent starts with the same name and other input', async () => {
      const { stateMachineArn } = await create('Contested');
      const answers = await Promise.allSettled(
        Array.from({ length: 16 }, (_, i) =>
          sfn.send(
            new StartExecutionCommand({ stateMachineArn, name: 'contested', input: `{"n":${i % 2}}` }),
          ),
        ),
      );
      const rejected = answers.flatMap((a) =>
        a.status === 'rejected' ? [a.reason as SFNServiceException] : [],
      );
      expect(
        rejected.every((e) => e.name === 'ExecutionAlreadyExists' && e.$metadata.httpStatusCode === 400),
      ).toBe(true);
      // The winner's input is one of the two; every start with it succeeds, every other is refused.
      expect(rejected).toHaveLength(8);
      const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
      expect(listed.executions).toHaveLength(1);
    });

    it('refuses the same name and input once the execution has closed (Standard: idempotent only while open)', async () => {
      const { stateMachineArn } = await create('Closed');
      const input = '{"order":2}';
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn, name: 'once', input }),
      );
      await sfn.send(new StopExecutionCommand({ executionArn }));
      const again = await failure(
        sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'once', input })),
      );
      expect(again).toMatchObject({
        name: 'ExecutionAlreadyExists',
        message: `Execution Already Exists: '${executionArn}'`,
      });
    });
  });
});
