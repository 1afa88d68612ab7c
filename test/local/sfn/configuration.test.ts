import {
  CreateStateMachineCommand,
  type CreateStateMachineCommandInput,
  DescribeStateMachineCommand,
  type SFNClient,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, roleArn, type SfnFixture, startSfn, waiting } from './fixture.ts';

const logGroupArn = 'arn:aws:logs:us-east-1:111111111111:log-group:/aws/vendedlogs/states/orders:*';

describe('local Step Functions state machine configurations, through @aws-sdk/client-sfn', () => {
  let fixture: SfnFixture;
  let sfn: SFNClient;
  beforeAll(async () => {
    fixture = await startSfn();
    ({ sfn } = fixture);
  }, 60_000);
  afterAll(() => fixture.close(), 60_000);

  const create = (name: string, extra: Partial<CreateStateMachineCommandInput> = {}) =>
    sfn.send(new CreateStateMachineCommand({ name, definition: waiting, roleArn, ...extra }));
  const describeMachine = (stateMachineArn: string | undefined) =>
    sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));

  describe('logging, tracing and encryption configuration', () => {
    it('CreateStateMachine stores them and DescribeStateMachine reports them; without them, the defaults', async () => {
      const { stateMachineArn } = await create('Configured', {
        loggingConfiguration: {
          level: 'ERROR',
          includeExecutionData: true,
          destinations: [{ cloudWatchLogsLogGroup: { logGroupArn } }],
        },
        tracingConfiguration: { enabled: true },
        encryptionConfiguration: { type: 'AWS_OWNED_KEY' },
      });
      expect(await describeMachine(stateMachineArn)).toMatchObject({
        loggingConfiguration: {
          level: 'ERROR',
          includeExecutionData: true,
          destinations: [{ cloudWatchLogsLogGroup: { logGroupArn } }],
        },
        tracingConfiguration: { enabled: true },
        encryptionConfiguration: { type: 'AWS_OWNED_KEY' },
      });
      const plain = await create('Plain');
      const described = await describeMachine(plain.stateMachineArn);
      expect(described.loggingConfiguration).toEqual({ level: 'OFF', includeExecutionData: false });
      expect(described.tracingConfiguration).toEqual({ enabled: false });
      expect(described.encryptionConfiguration).toEqual({ type: 'AWS_OWNED_KEY' });
      // An empty logging configuration is level OFF; an empty destination list is kept, as on AWS.
      const empty = await create('EmptyLogging', { loggingConfiguration: { destinations: [] } });
      expect((await describeMachine(empty.stateMachineArn)).loggingConfiguration).toEqual({
        level: 'OFF',
        includeExecutionData: false,
        destinations: [],
      });
    });

    it('refuses a logging configuration AWS refuses, with InvalidLoggingConfiguration or ValidationException', async () => {
      const oneDestination = 'Invalid Logging Configuration: Must specify exactly one Log Destination.';
      for (const loggingConfiguration of [
        { level: 'ALL' as const },
        { level: 'FATAL' as const, destinations: [] },
        {
          level: 'ALL' as const,
          destinations: [
            { cloudWatchLogsLogGroup: { logGroupArn } },
            { cloudWatchLogsLogGroup: { logGroupArn } },
          ],
        },
      ]) {
        expect(await failure(create('BadLogging', { loggingConfiguration }))).toMatchObject({
          name: 'InvalidLoggingConfiguration',
          message: oneDestination,
        });
      }
      const notAnArn = await failure(
        create('BadLogging', {
          loggingConfiguration: {
            level: 'ALL',
            destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: 'orders' } }],
          },
        }),
      );
      expect(notAnArn).toMatchObject({ name: 'InvalidLoggingConfiguration' });
      expect(notAnArn.message).toMatch(/^Invalid Logging Configuration: Log Destination not found\./);
      const level = await failure(
        create('BadLogging', { loggingConfiguration: { level: 'DEBUG' as never } }),
      );
      expect(level).toMatchObject({ name: 'ValidationException' });
      expect(level.message).toContain('Member must satisfy enum value set: [ALL, ERROR, FATAL, OFF]');
    });

    it('refuses a tracing configuration whose enabled is not true or false', async () => {
      expect(
        await failure(create('BadTracing', { tracingConfiguration: { enabled: 'yes' as never } })),
      ).toMatchObject({ name: 'InvalidTracingConfiguration' });
    });

    it('checks a customer managed key as AWS does, then refuses it: there is no KMS locally', async () => {
      const cmk = (extra: object) =>
        create('Encrypted', { encryptionConfiguration: { type: 'CUSTOMER_MANAGED_KMS_KEY', ...extra } });
      expect(await failure(cmk({}))).toMatchObject({ name: 'InvalidEncryptionConfiguration' });
      for (const kmsDataKeyReusePeriodSeconds of [59, 901]) {
        const error = await failure(cmk({ kmsKeyId: 'alias/orders', kmsDataKeyReusePeriodSeconds }));
        expect(error).toMatchObject({ name: 'InvalidEncryptionConfiguration' });
        expect(error.message).toContain(`between 60 and 900, received ${kmsDataKeyReusePeriodSeconds}`);
      }
      const denied = await failure(cmk({ kmsKeyId: 'alias/orders', kmsDataKeyReusePeriodSeconds: 300 }));
      expect(denied).toMatchObject({ name: 'KmsAccessDeniedException' });
      expect(denied.message).toContain('AWS_OWNED_KEY');
      expect(
        await failure(
          create('Encrypted', {
            encryptionConfiguration: { type: 'AWS_OWNED_KEY', kmsKeyId: 'alias/orders' },
          }),
        ),
      ).toMatchObject({ name: 'InvalidEncryptionConfiguration' });
      expect(
        await failure(create('Encrypted', { encryptionConfiguration: { type: 'OTHER' as never } })),
      ).toMatchObject({ name: 'ValidationException' });
      // Nothing refused was created.
      await expect(
        describeMachine('arn:aws:states:us-east-1:111111111111:stateMachine:Encrypted'),
      ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    });

    it('CreateStateMachine is idempotent on the configurations too; roleArn differences are ignored, as on AWS', async () => {
      const logging = { level: 'ALL' as const, destinations: [{ cloudWatchLogsLogGroup: { logGroupArn } }] };
      const first = await create('Idempotent', { loggingConfiguration: logging });
      const again = await create('Idempotent', { loggingConfiguration: logging, roleArn: `${roleArn}Other` });
      expect(again).toEqual(expect.objectContaining({ stateMachineArn: first.stateMachineArn }));
      expect(again.creationDate).toEqual(first.creationDate);
      expect((await describeMachine(first.stateMachineArn)).roleArn).toBe(roleArn);
      expect(
        await failure(create('Idempotent', { loggingConfiguration: { ...logging, level: 'ERROR' } })),
      ).toMatchObject({ name: 'StateMachineAlreadyExists' });
      expect(
        await failure(
          create('Idempotent', { loggingConfiguration: logging, tracingConfiguration: { enabled: true } }),
        ),
      ).toMatchObject({
        name: 'StateMachineAlreadyExists',
      });
    });

    it('UpdateStateMachine changes the configurations it is given, checks them, and refuses an empty update', async () => {
      const { stateMachineArn } = await create('Updated');
      await sfn.send(
        new UpdateStateMachineCommand({
          stateMachineArn,
          loggingConfiguration: {
            level: 'FATAL',
            destinations: [{ cloudWatchLogsLogGroup: { logGroupArn } }],
          },
          tracingConfiguration: { enabled: true },
        }),
      );
      expect(await describeMachine(stateMachineArn)).toMatchObject({
        loggingConfiguration: {
          level: 'FATAL',
          includeExecutionData: false,
          destinations: [{ cloudWatchLogsLogGroup: { logGroupArn } }],
        },
        tracingConfiguration: { enabled: true },
        encryptionConfiguration: { type: 'AWS_OWNED_KEY' },
      });
      expect(
        await failure(
          sfn.send(
            new UpdateStateMachineCommand({
              stateMachineArn,
              encryptionConfiguration: { type: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyId: 'alias/orders' },
            }),
          ),
        ),
      ).toMatchObject({ name: 'KmsAccessDeniedException' });
      expect(await failure(sfn.send(new UpdateStateMachineCommand({ stateMachineArn })))).toMatchObject({
        name: 'MissingRequiredParameter',
      });
      expect(
        await failure(sfn.send(new UpdateStateMachineCommand({ stateMachineArn, roleArn, publish: true }))),
      ).toMatchObject({ name: 'ValidationException' });
      expect((await describeMachine(stateMachineArn)).tracingConfiguration).toEqual({ enabled: true });
    });
  });
});
