import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  acknowledge,
  applyNag,
  ConfigError,
  ConstructsError,
  JsonataStateMachine,
  readConfig,
} from '../../constructs/index.ts';
import { smokeCheck } from '../../workflows/smoke-check/workflow.ts';

const ACCOUNT = '123456789012';
const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});
/** An App that synthesizes into a temporary directory this file removes. */
function tempApp(): App {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-'));
  outdirs.push(outdir);
  return new App({ outdir });
}
const substitutions = {
  CompanyMembersTable: 'members',
  ApprovalsTable: 'approvals',
  VerificationsTable: 'verifications',
  SignupQuotasTable: 'signupQuotas',
  OAuthSessionsTable: 'sessions',
  OAuthLocksTable: 'oauthLocks',
  ConnectionsTable: 'connections',
  ResourcesTable: 'resources',
  DatabaseClusterArn: `arn:aws:rds:eu-west-1:${ACCOUNT}:cluster:db`,
  DatabaseSecretArn: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:db-AbCdEf`,
  DatabaseName: 'app',
};

function machineIn(stack: Stack, props: Partial<ConstructorParameters<typeof JsonataStateMachine>[2]> = {}) {
  return new JsonataStateMachine(stack, 'Machine', {
    workflow: smokeCheck,
    stateMachineName: 'smoke',
    substitutions,
    ...props,
  });
}

const stackAt = (app = tempApp()) => new Stack(app, 'S', { env: { account: ACCOUNT, region: 'eu-west-1' } });

describe('JsonataStateMachine', () => {
  it('scopes the derived statements to the substituted resources', () => {
    const stack = stackAt();
    machineIn(stack, { dataKey: new kms.Key(stack, 'DataKey') });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'rds-data:ExecuteStatement',
            Resource: substitutions.DatabaseClusterArn,
          }),
          Match.objectLike({
            Action: 'secretsmanager:GetSecretValue',
            Resource: substitutions.DatabaseSecretArn,
          }),
          // The secret is encrypted with the data key: decrypt only through Secrets Manager.
          Match.objectLike({
            Action: 'kms:Decrypt',
            Condition: { StringEquals: { 'kms:ViaService': Match.anyValue() } },
          }),
        ]),
      },
    });
  }, 60_000);

  it('grants starting an execution together with the execution key use it needs, for that machine only', () => {
    const stack = stackAt();
    const machine = machineIn(stack);
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    machine.grantStartExecution(caller);
    machine.grantTaskResponse(caller, ['SendTaskSuccess', 'SendTaskFailure', 'SendTaskHeartbeat']);
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p).includes('Caller'))
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Condition?: unknown }[],
      );
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions).toEqual(
      expect.arrayContaining([
        'states:StartExecution',
        'states:SendTaskSuccess',
        'states:SendTaskFailure',
        'states:SendTaskHeartbeat',
        'kms:GenerateDataKey',
      ]),
    );
    const kmsStatement = statements.find((s) => JSON.stringify(s.Action).includes('kms:'));
    expect(JSON.stringify(kmsStatement?.Condition)).toContain(
      'kms:EncryptionContext:aws:states:stateMachineArn',
    );
  }, 60_000);

  it('logs without execution data by default, and with it (and the retention asked for) when logExecutionData is set', () => {
    const stack = stackAt();
    machineIn(stack);
    const withData = new JsonataStateMachine(stack, 'WithData', {
      workflow: smokeCheck,
      stateMachineName: 'smoke-with-data',
      substitutions,
      logExecutionData: true,
      logRetention: logs.RetentionDays.ONE_WEEK,
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'smoke',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'smoke-with-data',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/vendedlogs/states/smoke-with-data',
      RetentionInDays: 7,
      KmsKeyId: Match.anyValue(),
    });
    expect(withData.logGroup).toBeDefined();
  }, 60_000);

  it('fails synthesis with the problem when a substitution has no value', () => {
    const { DatabaseName: _, ...missing } = substitutions;
    expect(() => machineIn(stackAt(), { substitutions: missing })).toThrow(
      /cannot be deployed:[\s\S]*no value was given for substitution\(s\) DatabaseName/,
    );
  }, 60_000);

  it('fails synthesis when the definition is invalid after substitution, naming the file', () => {
    expect(() =>
      machineIn(stackAt(), { substitutions: { ...substitutions, DatabaseClusterArn: '{% $bad( %}' } }),
    ).toThrow(ConstructsError);
  }, 60_000);
});

describe('cdk-nag on the app', () => {
  it('fails synthesis on an unacknowledged finding', () => {
    const app = tempApp();
    const stack = new Stack(app, 'Bad');
    new iam.Role(stack, 'Wide', { assumedBy: new iam.AccountRootPrincipal() }).addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }),
    );
    applyNag(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::\*\]/);
  }, 60_000);

  it('accepts the finding once acknowledged with a reason, and refuses an acknowledgement without one', () => {
    const app = tempApp();
    const stack = new Stack(app, 'Ok');
    const role = new iam.Role(stack, 'Wide', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    expect(() => acknowledge(role, 'AwsSolutions-IAM5', 'because')).toThrow(/needs a reason/);
    acknowledge(role, 'AwsSolutions-IAM5', 'The bucket is chosen at run time by the operator.', [
      'Resource::*',
    ]);
    applyNag(app);
    expect(() => app.synth()).not.toThrow();
  }, 60_000);
});

describe('readConfig', () => {
  it('defaults the prefix and the sender, and leaves account and region to the environment', () => {
    expect(readConfig(tempApp(), {})).toEqual({
      prefix: 'wf',
      senderAddress: 'no-reply@example.com',
      retainData: true,
      settings: { approvalTimeoutSeconds: String(7 * 24 * 3600) },
    });
    expect(
      readConfig(tempApp(), { CDK_DEFAULT_ACCOUNT: ACCOUNT, CDK_DEFAULT_REGION: 'eu-west-1' }),
    ).toMatchObject({
      account: ACCOUNT,
      region: 'eu-west-1',
    });
  });

  it('names each bad context value, what it received and how to set it', () => {
    const app = new App({ context: { prefix: 'Bad_Prefix', senderAddress: 'nobody', retainData: 'maybe' } });
    expect(() => readConfig(app, {})).toThrow(ConfigError);
    expect(() => readConfig(app, {})).toThrow(/prefix: .*got 'Bad_Prefix'.*-c prefix=/);
    expect(() => readConfig(app, {})).toThrow(/senderAddress: .*got 'nobody'/);
  });
});
