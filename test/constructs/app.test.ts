import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, ArnFormat, Aws } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveIamPolicy } from '../../asl/iam/index.ts';
import { parseDefinition } from '../../asl/index.ts';
import { buildApp, type ProjectStacks } from '../../constructs/index.ts';
import { TASKS } from '../../tasks/index.ts';
import { resolveSubstitutions, stateMachineName, TABLES, WORKFLOWS } from '../../workflows/index.ts';
import { describeOAuthOnboarding, OAUTH_SETTINGS } from './oauth-onboarding.ts';

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown; Effect: string };
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
/** A statement in a form that ignores the order of actions and resources. */
const normal = (s: { Action: string | string[]; Resource: unknown; Condition?: unknown }) => ({
  actions: list(s.Action).sort(),
  resources: list(s.Resource as unknown[])
    .map((r) => JSON.stringify(r))
    .sort(),
  condition: s.Condition ?? null,
});

/** JSONPath-only fields (ASL spec) that a JSONata definition must not carry. */
const JSONPATH_FIELDS = new Set([
  'Parameters',
  'ResultSelector',
  'ResultPath',
  'InputPath',
  'OutputPath',
  'ItemsPath',
  'TimeoutSecondsPath',
  'HeartbeatSecondsPath',
  'Variable',
]);
function jsonPathFields(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => jsonPathFields(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => [
    ...(JSONPATH_FIELDS.has(key) || key.endsWith('.$') ? [`${path}.${key}`] : []),
    // Inside Arguments, Output and Assign a key is data (an SDK's own `Parameters`), not a field.
    ...(key === 'Arguments' || key === 'Output' || key === 'Assign'
      ? dollarKeys(v, `${path}.${key}`)
      : jsonPathFields(v, `${path}.${key}`)),
  ]);
}

/** `.$` keys anywhere below: JSONPath's way to mark a path, which JSONata states refuse. */
function dollarKeys(value: unknown, path: string): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => dollarKeys(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => [
    ...(key.endsWith('.$') ? [`${path}.${key}`] : []),
    ...dollarKeys(v, `${path}.${key}`),
  ]);
}

describe('the CDK app', () => {
  let outdir: string;
  let stacks: ProjectStacks;
  let workflowsTemplate: Template;
  let dataTemplate: Template;
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'cdk-'));
    const app = new App({
      outdir,
      context: { prefix: 'test', senderAddress: 'ops@example.org', ...OAUTH_SETTINGS },
    });
    stacks = buildApp(app);
    // Synthesizing the whole app runs cdk-nag: an unacknowledged finding throws here.
    app.synth();
    workflowsTemplate = Template.fromStack(stacks.workflows);
    dataTemplate = Template.fromStack(stacks.data);
  }, 180_000); // synthesis bundles every function and runs cdk-nag: seconds on a loaded machine
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  describeOAuthOnboarding(() => stacks);

  it('synthesizes with no unacknowledged cdk-nag finding, every acknowledgement with a reason', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: {
        pluginName: string;
        conclusion: string;
        violations: unknown[];
        suppressedViolations: { acknowledgedId: string; reason: string }[];
      }[];
    };
    const nag = report.pluginReports.find((p) => p.pluginName === 'AwsSolutions');
    expect(nag?.conclusion).toBe('success');
    expect(nag?.violations).toEqual([]);
    for (const acknowledged of nag?.suppressedViolations ?? [])
      expect(acknowledged.reason.length).toBeGreaterThan(40);
    // Only these rules are acknowledged anywhere (each with its reason in code, README "cdk-nag").
    const allowed = [
      /^AwsSolutions::AwsSolutions-IAM5\[Resource::\*\]$/,
      /^AwsSolutions::AwsSolutions-IAM5\[Resource::<\w+Logs\w+\.Arn>:\*\]$/,
      // The provider framework's lambda:InvokeFunction on the migrations function and its versions.
      /^AwsSolutions::AwsSolutions-IAM5\[Resource::<SchemaMigrationsFunction\w+\.Arn>:\*\]$/,
      // A Distributed Map's child executions, named by Step Functions under the state machine's name.
      /^AwsSolutions::AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:[\w-]+\/\*\]$/,
      // The OAuth connections' token parameters, named at run time (their functions, the disconnect).
      /^AwsSolutions::AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter\/test\/oauth\/connections\/\*\]$/,
      // The versions and aliases of a function a state machine invokes (lambda:invoke).
      /^AwsSolutions::AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:test-[\w-]+:\*\]$/,
      /^AwsSolutions::AwsSolutions-(SMG4|COG2|COG8|APIG4|L1|SQS3)$/,
    ];
    for (const { acknowledgedId } of nag?.suppressedViolations ?? []) {
      expect(
        allowed.some((pattern) => pattern.test(acknowledgedId)),
        acknowledgedId,
      ).toBe(true);
    }
  });

  it('deploys each workflow as a state machine named <prefix>-<workflow>, of its declared type', () => {
    for (const workflow of WORKFLOWS) {
      workflowsTemplate.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineName: `test-${workflow.name}`,
        StateMachineType: workflow.type,
      });
    }
    workflowsTemplate.resourceCountIs('AWS::StepFunctions::StateMachine', WORKFLOWS.length);
  });

  it('deploys the definition file itself, with a substitution for every declared placeholder resolved to the data stack', () => {
    for (const workflow of WORKFLOWS) {
      const machine = stacks.workflows.machines.get(workflow.name);
      const [props] = Object.values(
        workflowsTemplate.findResources('AWS::StepFunctions::StateMachine', {
          Properties: { StateMachineName: `test-${workflow.name}` },
        }),
      ).map((r) => r.Properties as Record<string, unknown>);
      const location = props?.DefinitionS3Location as { Key: string };
      const deployed = readFileSync(join(outdir, `asset.${location.Key}`), 'utf8');
      expect(deployed).toBe(readFileSync(workflow.definitionPath, 'utf8'));
      const expected = resolveSubstitutions(workflow, (r) =>
        stacks.workflows.resolve(stacks.workflows.referenceValue(r)),
      );
      expect(props?.DefinitionSubstitutions).toEqual(expected);
      expect(machine).toBeDefined();
    }
  });

  it('has no JSONPath field in any definition, and every definition declares JSONata', () => {
    for (const workflow of WORKFLOWS) {
      const definition = JSON.parse(readFileSync(workflow.definitionPath, 'utf8')) as Record<string, unknown>;
      expect(definition.QueryLanguage).toBe('JSONata');
      expect(jsonPathFields(definition)).toEqual([]);
      expect(JSON.stringify(definition)).not.toContain('"QueryLanguage":"JSONPath"');
    }
  });

  it('gives each role exactly the policy derived from its definition, plus the key, logging and tracing statements', () => {
    const tokenParameters = stacks.workflows.formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: 'test/oauth/connections/*',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    for (const workflow of WORKFLOWS) {
      const machine = stacks.workflows.machines.get(workflow.name);
      if (!machine) throw new Error(`no machine for ${workflow.name}`);
      const substitutions = resolveSubstitutions(workflow, (r) => stacks.workflows.referenceValue(r));
      const definition = parseDefinition(readFileSync(workflow.definitionPath, 'utf8'), { substitutions });
      const derived = deriveIamPolicy(definition, {
        partition: Aws.PARTITION,
        region: Aws.REGION,
        account: Aws.ACCOUNT_ID,
        stateMachineName: stateMachineName('test', workflow),
      })
        // Parameters named at run time (the disconnect's tokens): the deployment scopes them to the
        // connections' path (oauth-onboarding.test.ts).
        .map((s) =>
          s.resources.includes('*') && s.actions.every((a) => a === 'ssm:DeleteParameters')
            ? { ...s, resources: [tokenParameters] }
            : s,
        )
        .map((s) => normal(stacks.workflows.resolve({ Action: s.actions, Resource: s.resources })));

      const policyId = stacks.workflows.getLogicalId(
        machine.node.findChild('Policy').node.defaultChild as import('aws-cdk-lib').CfnElement,
      );
      const policy = workflowsTemplate.toJSON().Resources[policyId].Properties.PolicyDocument as {
        Statement: Statement[];
      };
      const statements = policy.Statement.map(normal);
      const isPlatform = (s: ReturnType<typeof normal>) =>
        s.actions.every((a) => /^(kms|logs|xray):/.test(a));
      expect(statements.filter((s) => !isPlatform(s))).toEqual(expect.arrayContaining(derived));
      expect(statements.filter((s) => !isPlatform(s))).toHaveLength(derived.length);
      // No wildcard action anywhere; `*` resources only for logs delivery and X-Ray, which AWS
      // requires, and for derived calls the definition cannot scope (each with its reason).
      const explained = new Set(
        machine.statements.filter((s) => s.reason !== undefined).flatMap((s) => s.statement.actions),
      );
      for (const s of statements) {
        for (const a of s.actions) expect(a).not.toContain('*');
        if (s.resources.includes('"*"')) expect(s.actions.every((a) => explained.has(a))).toBe(true);
      }
      // The execution key, only for this machine's own data.
      expect(statements).toContainEqual(
        expect.objectContaining({
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          condition: {
            StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': expect.anything() },
          },
        }),
      );
    }
  });

  it('encrypts execution data with a customer-managed key, traces, and logs ALL events to a KMS-encrypted group: without execution data for 30 days, with it for a week for pipe-started workflows', () => {
    workflowsTemplate.allResourcesProperties('AWS::StepFunctions::StateMachine', {
      EncryptionConfiguration: { Type: 'CUSTOMER_MANAGED_KMS_KEY', KmsKeyId: Match.anyValue() },
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: Match.anyValue(),
        Destinations: Match.anyValue(),
      },
    });
    for (const workflow of WORKFLOWS) {
      const withData = workflow.startedBy.kind === 'pipe';
      workflowsTemplate.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineName: `test-${workflow.name}`,
        LoggingConfiguration: { IncludeExecutionData: withData },
      });
    }
    const machineLogs = Object.values(workflowsTemplate.findResources('AWS::Logs::LogGroup')).filter((g) =>
      String(g.Properties.LogGroupName).startsWith('/aws/vendedlogs/states/'),
    );
    expect(machineLogs).toHaveLength(WORKFLOWS.length);
    for (const group of machineLogs) {
      const workflow = WORKFLOWS.find(
        (w) => group.Properties.LogGroupName === `/aws/vendedlogs/states/test-${w.name}`,
      );
      expect(workflow).toBeDefined();
      const days = workflow?.startedBy.kind === 'pipe' ? 7 : 30;
      expect(group.Properties).toMatchObject({ RetentionInDays: days, KmsKeyId: expect.anything() });
    }
    // Every log group of the app (functions, API access logs, pipes too) has a retention.
    workflowsTemplate.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
    workflowsTemplate.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it("creates the user pool: email sign-in, case-insensitive, no self-verification, the password policy, an immutable company attribute, the tasks' triggers", () => {
    const pool = Object.values(workflowsTemplate.findResources('AWS::Cognito::UserPool'))[0]
      ?.Properties as Record<string, unknown>;
    expect(pool).toMatchObject({
      UserPoolName: 'test-users',
      UsernameAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      LambdaConfig: { PreSignUp: { 'Fn::GetAtt': [expect.stringMatching(/^PreSignUpTask/), 'Arn'] } },
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
    });
    expect(pool.AutoVerifiedAttributes ?? []).toEqual([]);
    // Cognito refuses a pool whose AttributesRequireVerificationBeforeUpdate are not all auto-verified.
    const required = (
      pool.UserAttributeUpdateSettings as { AttributesRequireVerificationBeforeUpdate?: string[] }
    )?.AttributesRequireVerificationBeforeUpdate;
    for (const attribute of required ?? []) expect(pool.AutoVerifiedAttributes ?? []).toContain(attribute);
    expect(pool.Schema).toContainEqual(
      expect.objectContaining({
        Name: 'company_name',
        AttributeDataType: 'String',
        Mutable: false,
        StringAttributeConstraints: { MinLength: '1', MaxLength: '64' },
      }),
    );
  });

  it('gives the web client password sign-in only: no OAuth flows, and it writes only what sign-up sets', () => {
    const client = Object.values(workflowsTemplate.findResources('AWS::Cognito::UserPoolClient'))[0]
      ?.Properties as Record<string, unknown>;
    expect(client).toMatchObject({
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
    });
    expect(client.AllowedOAuthFlows).toBeUndefined();
    expect(client.AllowedOAuthFlowsUserPoolClient).not.toBe(true);
    expect(client.CallbackURLs).toBeUndefined();
    expect([...(client.WriteAttributes as string[])].sort()).toEqual(['custom:company_name', 'email']);
  });

  it('lets the pages read only the attributes they show, never the task token', () => {
    const statements = Object.entries(workflowsTemplate.findResources('AWS::IAM::Policy'))
      .filter(([id]) => id.startsWith('ApprovalPageTask') || id.startsWith('VerifyPageTask'))
      .flatMap(
        ([, r]) => (r.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement,
      )
      .filter((s) => list(s.Action).some((a) => a.startsWith('dynamodb:')));
    expect(statements).toHaveLength(2);
    for (const statement of statements) {
      expect(list(statement.Action)).toEqual(['dynamodb:GetItem']);
      const condition = statement.Condition as Record<string, Record<string, unknown>>;
      const attributes = condition['ForAllValues:StringEquals']?.['dynamodb:Attributes'] as string[];
      expect(attributes).toContain('status');
      expect(attributes).not.toContain('taskToken');
      expect(condition.StringEqualsIfExists).toEqual({ 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' });
    }
  });

  it('alarms on every state machine when an execution fails, times out or is stopped', () => {
    const alarms = Object.values(workflowsTemplate.findResources('AWS::CloudWatch::Alarm'))
      .map(
        (r) =>
          r.Properties as {
            AlarmName: string;
            Metrics: { MetricStat?: { Metric: { MetricName: string } } }[];
          },
      )
      // The pipes' own alarms (dead letters, lag) are tested in stream-pipe.test.ts.
      .filter((a) => a.AlarmName.endsWith('-executions-not-succeeded'));
    expect(alarms.map((a) => a.AlarmName).sort()).toEqual(
      WORKFLOWS.map((w) => `${stateMachineName('test', w)}-executions-not-succeeded`).sort(),
    );
    for (const alarm of alarms) {
      expect(
        alarm.Metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : [])).sort(),
      ).toEqual(['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
    }
  });

  it('deploys each task as a Node.js 22 function with its declared environment', () => {
    for (const task of TASKS) {
      const [fn] = Object.values(
        workflowsTemplate.findResources('AWS::Lambda::Function', {
          Properties: { FunctionName: `test-${task.name}` },
        }),
      );
      expect(fn?.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
      const variables = Object.keys(fn?.Properties.Environment.Variables ?? {});
      expect(variables).toEqual(expect.arrayContaining(Object.keys(task.environment)));
    }
  });

  it("serves the tasks' routes, with the Cognito JWT authorizer exactly on those that need a signed-in user", () => {
    const routes = Object.values(workflowsTemplate.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties as { RouteKey: string; AuthorizationType?: string },
    );
    const expected = TASKS.flatMap((t) => t.routes ?? []);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(expected.map((r) => `${r.method} ${r.path}`).sort());
    for (const route of expected) {
      const found = routes.find((r) => r.RouteKey === `${route.method} ${route.path}`);
      expect(found?.AuthorizationType ?? 'NONE').toBe(route.auth === 'cognito' ? 'JWT' : 'NONE');
    }
    workflowsTemplate.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
    });
  });

  it('lets each task start the workflow it starts, and the decision resume the approval, with the key use that needs', () => {
    const policies = workflowsTemplate.toJSON().Resources as Record<
      string,
      {
        Type: string;
        Properties: { PolicyDocument?: { Statement: { Action: string | string[]; Resource: unknown }[] } };
      }
    >;
    const statementsOf = (prefix: string) =>
      Object.entries(policies)
        .filter(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith(prefix))
        .flatMap(([, r]) => r.Properties.PolicyDocument?.Statement ?? []);
    const has = (prefix: string, action: string, machine: string) =>
      statementsOf(prefix).some(
        (s) =>
          list(s.Action).includes(action) && JSON.stringify(s.Resource).includes(`:stateMachine:${machine}`),
      );
    expect(has('PreSignUpTask', 'states:StartExecution', 'test-signup-approval')).toBe(true);
    expect(has('ApprovalPageTask', 'states:StartSyncExecution', 'test-approval-decision')).toBe(true);
    // SendTaskSuccess/Failure have no resource type in the Service Authorization Reference: `*`,
    // and only the ones each resumer's definition uses.
    const sendTask = (prefix: string) =>
      statementsOf(prefix)
        .filter((s) => list(s.Action).some((a) => a.startsWith('states:SendTask')))
        .map((s) => ({ actions: list(s.Action).sort(), resource: s.Resource }));
    expect(sendTask('ApprovalDecisionPolicy')).toEqual([
      { actions: ['states:SendTaskFailure', 'states:SendTaskSuccess'], resource: '*' },
    ]);
    expect(sendTask('AddressVerificationPolicy')).toEqual([
      { actions: ['states:SendTaskFailure', 'states:SendTaskSuccess'], resource: '*' },
    ]);
    for (const prefix of ['PreSignUpTask', 'ApprovalPageTask', 'ApprovalDecisionRole']) {
      expect(JSON.stringify(statementsOf(prefix))).toContain(
        'kms:EncryptionContext:aws:states:stateMachineArn',
      );
    }
    expect(statementsOf('ApprovalPageTask').some((s) => list(s.Action).includes('dynamodb:GetItem'))).toBe(
      true,
    );
  });

  it('creates every declared table on demand, with PITR, the TTL attribute, KMS, and streams on the metadata tables', () => {
    const tables = Object.values(dataTemplate.findResources('AWS::DynamoDB::Table')).map(
      (r) => r.Properties as Record<string, unknown>,
    );
    expect(tables).toHaveLength(Object.keys(TABLES).length);
    for (const declared of Object.values(TABLES)) {
      const table = tables.find((t) =>
        JSON.stringify(t.KeySchema).includes(
          `"AttributeName":"${declared.partitionKey.name}","KeyType":"HASH"`,
        ),
      );
      expect(table).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: expect.anything() },
        DeletionProtectionEnabled: true,
      });
      if (declared.stream)
        expect(table?.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
      else expect(table?.StreamSpecification).toBeUndefined();
      const indexes = (table?.GlobalSecondaryIndexes ?? []) as { IndexName: string; Projection: unknown }[];
      expect(indexes.map((i) => i.IndexName)).toEqual(
        ('indexes' in declared ? declared.indexes : []).map((i) => i.name),
      );
    }
  });

  it('creates Aurora PostgreSQL Serverless v2 with the Data API, encrypted, with a generated secret, and the SES identity', () => {
    dataTemplate.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      EnableHttpEndpoint: true,
      StorageEncrypted: true,
      DatabaseName: 'app',
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4 },
      DeletionProtection: true,
    });
    dataTemplate.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless' });
    dataTemplate.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: Match.anyValue() });
    dataTemplate.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'ops@example.org' });
  });
});
