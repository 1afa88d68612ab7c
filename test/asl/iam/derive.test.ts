import { describe, expect, it } from 'vitest';
import { parseDefinition } from '../../../asl/definition/parse.ts';
import {
  AWS_SDK_SERVICES,
  type DeriveIamOptions,
  deriveIamPolicy,
  IamDerivationError,
  type IamStatement,
  iamServicePrefix,
} from '../../../asl/iam/index.ts';

/** `${Name}`, as CloudFormation's definitionSubstitutions spell a placeholder. */
const placeholder = (name: string) => `\${${name}}`;

const ENV = { region: 'eu-west-1', account: '123456789012' } as const;
const ARN = 'arn:aws:states:::';

function machine(
  states: Record<string, unknown>,
  substitutions?: Record<string, string>,
  startAt = Object.keys(states)[0] ?? '',
) {
  return parseDefinition(
    { QueryLanguage: 'JSONata', StartAt: startAt, States: states },
    substitutions ? { substitutions } : {},
  );
}

function task(resource: string, args?: unknown, extra: Record<string, unknown> = {}) {
  return {
    Type: 'Task',
    Resource: resource,
    ...(args === undefined ? {} : { Arguments: args }),
    End: true,
    ...extra,
  };
}

function policy(resource: string, args?: unknown, options: DeriveIamOptions = ENV): IamStatement[] {
  return deriveIamPolicy(machine({ T: task(resource, args) }), options);
}

describe('deriveIamPolicy: AWS SDK integrations', () => {
  it('maps rdsdata to rds-data on the cluster and grants GetSecretValue on the secret', () => {
    const cluster = 'arn:aws:rds:eu-west-1:123456789012:cluster:sync-db';
    const secret = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sync-db-AbCdEf';
    const statements = policy(`${ARN}aws-sdk:rdsdata:executeStatement`, {
      ResourceArn: cluster,
      SecretArn: secret,
      Sql: 'select 1',
    });
    expect(statements).toEqual([
      { actions: ['rds-data:ExecuteStatement'], resources: [cluster] },
      {
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secret],
        reason: "State 'T': the RDS Data API reads the database secret with the caller’s credentials.",
      },
    ]);
  });

  it('accepts the camelCase resourceArn and secretArn of the Data API', () => {
    const statements = policy(`${ARN}aws-sdk:rdsdata:batchExecuteStatement`, {
      resourceArn: 'arn:aws:rds:eu-west-1:123456789012:cluster:db',
      secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-x1y2z3',
    });
    expect(statements.map((s) => s.actions[0])).toEqual([
      'rds-data:BatchExecuteStatement',
      'secretsmanager:GetSecretValue',
    ]);
  });

  it('maps sesv2 sendEmail to ses:SendEmail on the From identity (address and its domain)', () => {
    const statements = policy(`${ARN}aws-sdk:sesv2:sendEmail`, {
      FromEmailAddress: 'Acme <noreply@acme.example>',
      Destination: { ToAddresses: ['{% $email %}'] },
    });
    expect(statements).toEqual([
      {
        actions: ['ses:SendEmail'],
        resources: [
          'arn:aws:ses:eu-west-1:123456789012:identity/acme.example',
          'arn:aws:ses:eu-west-1:123456789012:identity/noreply@acme.example',
        ],
      },
    ]);
  });

  it('uses FromEmailAddressIdentityArn and the configuration set when they are literal', () => {
    const identity = 'arn:aws:ses:eu-west-1:123456789012:identity/acme.example';
    const statements = policy(`${ARN}aws-sdk:sesv2:sendEmail`, {
      FromEmailAddress: 'noreply@acme.example',
      FromEmailAddressIdentityArn: identity,
      ConfigurationSetName: 'transactional',
    });
    expect(statements[0]?.resources).toEqual([
      'arn:aws:ses:eu-west-1:123456789012:configuration-set/transactional',
      identity,
    ]);
  });

  it('grants SES on * with a reason when the From address is an expression', () => {
    const [statement] = policy(`${ARN}aws-sdk:sesv2:sendEmail`, { FromEmailAddress: '{% $from %}' });
    expect(statement).toEqual({
      actions: ['ses:SendEmail'],
      resources: ['*'],
      reason:
        "State 'T': Arguments.FromEmailAddress is a JSONata expression, so the sending identity is known only at run time.",
    });
  });

  it('maps cognitoidentityprovider to cognito-idp on the user pool', () => {
    const statements = policy(`${ARN}aws-sdk:cognitoidentityprovider:adminConfirmSignUp`, {
      UserPoolId: 'eu-west-1_AbC123',
      Username: '{% $username %}',
    });
    expect(statements).toEqual([
      {
        actions: ['cognito-idp:AdminConfirmSignUp'],
        resources: ['arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC123'],
      },
    ]);
  });

  it('maps dynamodb putItem to the table ARN', () => {
    expect(policy(`${ARN}aws-sdk:dynamodb:putItem`, { TableName: 'Approvals', Item: {} })).toEqual([
      {
        actions: ['dynamodb:PutItem'],
        resources: ['arn:aws:dynamodb:eu-west-1:123456789012:table/Approvals'],
      },
    ]);
  });

  it('grants a query or scan on the table, or on the index it names', () => {
    const table = 'arn:aws:dynamodb:eu-west-1:123456789012:table/Admins';
    expect(policy(`${ARN}aws-sdk:dynamodb:query`, { TableName: 'Admins', IndexName: 'byCompany' })).toEqual([
      { actions: ['dynamodb:Query'], resources: [`${table}/index/byCompany`] },
    ]);
    expect(policy(`${ARN}aws-sdk:dynamodb:scan`, { TableName: 'Admins' })).toEqual([
      { actions: ['dynamodb:Scan'], resources: [table] },
    ]);
    const dynamic = policy(`${ARN}aws-sdk:dynamodb:query`, {
      TableName: 'Admins',
      IndexName: '{% $index %}',
    });
    expect(dynamic).toEqual([
      {
        actions: ['dynamodb:Query'],
        resources: [`${table}/index/*`],
        reason: expect.stringContaining('IndexName'),
      },
    ]);
  });

  it('authorizes each transaction item as its own item action on its table', () => {
    const statements = policy(`${ARN}aws-sdk:dynamodb:transactWriteItems`, {
      TransactItems: [
        { ConditionCheck: { TableName: 'Companies', Key: {} } },
        { Put: { TableName: 'Approvals', Item: {} } },
        { Update: { TableName: '{% $table %}', Key: {} } },
      ],
    });
    expect(statements).toEqual([
      {
        actions: ['dynamodb:ConditionCheckItem'],
        resources: ['arn:aws:dynamodb:eu-west-1:123456789012:table/Companies'],
      },
      {
        actions: ['dynamodb:PutItem'],
        resources: ['arn:aws:dynamodb:eu-west-1:123456789012:table/Approvals'],
      },
      {
        actions: ['dynamodb:UpdateItem'],
        resources: ['*'],
        reason:
          "State 'T': Arguments.TransactItems[2].Update.TableName is a JSONata expression, so the DynamoDB table is known only at run time.",
      },
    ]);
  });

  it('scopes batch operations to the RequestItems tables and PartiQL to the statement verb and table', () => {
    expect(
      policy(`${ARN}aws-sdk:dynamodb:batchWriteItem`, { RequestItems: { A: '{% $puts %}', B: [] } }),
    ).toEqual([
      {
        actions: ['dynamodb:BatchWriteItem'],
        resources: [
          'arn:aws:dynamodb:eu-west-1:123456789012:table/A',
          'arn:aws:dynamodb:eu-west-1:123456789012:table/B',
        ],
      },
    ]);
    expect(
      policy(`${ARN}aws-sdk:dynamodb:executeStatement`, {
        Statement: 'SELECT * FROM "Users"."byEmail" WHERE x = ?',
      }),
    ).toEqual([
      {
        actions: ['dynamodb:PartiQLSelect'],
        resources: ['arn:aws:dynamodb:eu-west-1:123456789012:table/Users/index/byEmail'],
      },
    ]);
  });

  it('maps ssm parameters without the leading slash, and paths to the path and below', () => {
    expect(
      policy(`${ARN}aws-sdk:ssm:getParameter`, { Name: '/oauth/tokens/abc', WithDecryption: true }),
    ).toEqual([
      {
        actions: ['ssm:GetParameter'],
        resources: ['arn:aws:ssm:eu-west-1:123456789012:parameter/oauth/tokens/abc'],
      },
    ]);
    expect(policy(`${ARN}aws-sdk:ssm:getParametersByPath`, { Path: '/oauth/' })[0]?.resources).toEqual([
      'arn:aws:ssm:eu-west-1:123456789012:parameter/oauth/',
      'arn:aws:ssm:eu-west-1:123456789012:parameter/oauth/*',
    ]);
  });

  it('maps sfn to states and eventbridge to events', () => {
    const machineArn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:child';
    expect(policy(`${ARN}aws-sdk:sfn:startSyncExecution`, { StateMachineArn: machineArn })).toEqual([
      { actions: ['states:StartSyncExecution'], resources: [machineArn] },
    ]);
    expect(
      policy(`${ARN}aws-sdk:eventbridge:putEvents`, {
        Entries: [{ Source: 'app' }, { EventBusName: 'audit' }],
      }),
    ).toEqual([
      {
        actions: ['events:PutEvents'],
        resources: [
          'arn:aws:events:eu-west-1:123456789012:event-bus/audit',
          'arn:aws:events:eu-west-1:123456789012:event-bus/default',
        ],
      },
    ]);
  });

  it('maps cloudwatchlogs to logs, and S3 listing to s3:ListBucket on the bucket', () => {
    expect(
      policy(`${ARN}aws-sdk:cloudwatchlogs:putLogEvents`, { LogGroupName: 'audit', LogStreamName: 's' })[0]
        ?.actions,
    ).toEqual(['logs:PutLogEvents']);
    expect(policy(`${ARN}aws-sdk:s3:listObjectsV2`, { Bucket: 'exports', Prefix: 'daily/' })).toEqual([
      { actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::exports'] },
    ]);
    expect(policy(`${ARN}aws-sdk:s3:getObject`, { Bucket: 'exports', Key: 'a/b.json' })).toEqual([
      { actions: ['s3:GetObject'], resources: ['arn:aws:s3:::exports/a/b.json'] },
    ]);
  });

  it('scopes a secret name to its ARN with the six-character suffix Secrets Manager appends', () => {
    expect(
      policy(`${ARN}aws-sdk:secretsmanager:getSecretValue`, { SecretId: 'oauth/client' })[0]?.resources,
    ).toEqual(['arn:aws:secretsmanager:eu-west-1:123456789012:secret:oauth/client-??????']);
  });

  it('grants services without a resource rule on * and says so', () => {
    const [statement] = policy(`${ARN}aws-sdk:cloudwatch:putMetricData`, {
      Namespace: 'Drift',
      MetricData: [],
    });
    expect(statement?.actions).toEqual(['cloudwatch:PutMetricData']);
    expect(statement?.resources).toEqual(['*']);
    expect(statement?.reason).toContain('no resource rule for cloudwatch:PutMetricData');
  });

  it('refuses unknown services and services whose IAM actions are not operation names', () => {
    expect(() => policy(`${ARN}aws-sdk:nosuchservice:doThing`, {})).toThrow(IamDerivationError);
    expect(() => policy(`${ARN}aws-sdk:apigateway:getRestApis`, {})).toThrow(/apigateway:GET/);
    expect(() => policy(`${ARN}aws-sdk:sfn:startExecution.sync`, {})).toThrow(/do not support \.sync/);
  });
});

describe('deriveIamPolicy: optimised integrations', () => {
  it('invokes an unqualified function on its ARN and its versions and aliases', () => {
    expect(
      policy(`${ARN}lambda:invoke`, { FunctionName: 'exchange-code', Payload: '{% $states.input %}' }),
    ).toEqual([
      {
        actions: ['lambda:InvokeFunction'],
        resources: [
          'arn:aws:lambda:eu-west-1:123456789012:function:exchange-code',
          'arn:aws:lambda:eu-west-1:123456789012:function:exchange-code:*',
        ],
      },
    ]);
  });

  it('invokes a qualified function only on the qualified ARN', () => {
    const fn = 'arn:aws:lambda:us-east-1:210987654321:function:render:live';
    expect(policy(`${ARN}lambda:invoke.waitForTaskToken`, { FunctionName: fn })).toEqual([
      { actions: ['lambda:InvokeFunction'], resources: [fn] },
    ]);
  });

  it('invokes a Lambda function ARN given as the Resource', () => {
    const fn = 'arn:aws:lambda:eu-west-1:123456789012:function:legacy';
    expect(policy(fn)).toEqual([{ actions: ['lambda:InvokeFunction'], resources: [fn] }]);
  });

  it('starts a nested execution, and .sync adds polling and the managed rule', () => {
    const child = 'arn:aws:states:eu-west-1:123456789012:stateMachine:discovery';
    expect(policy(`${ARN}states:startExecution`, { StateMachineArn: child })).toEqual([
      { actions: ['states:StartExecution'], resources: [child] },
    ]);
    const sync = [
      {
        actions: ['events:DescribeRule', 'events:PutRule', 'events:PutTargets'],
        resources: [
          'arn:aws:events:eu-west-1:123456789012:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule',
        ],
      },
      {
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: ['arn:aws:states:eu-west-1:123456789012:execution:discovery:*'],
      },
      { actions: ['states:StartExecution'], resources: [child] },
    ];
    expect(policy(`${ARN}states:startExecution.sync`, { StateMachineArn: child })).toEqual(sync);
    expect(policy(`${ARN}states:startExecution.sync:2`, { StateMachineArn: child })).toEqual(sync);
  });

  it('maps the optimised DynamoDB, SQS, SNS and EventBridge integrations', () => {
    expect(policy(`${ARN}dynamodb:updateItem`, { TableName: 'T', Key: {} })[0]?.actions).toEqual([
      'dynamodb:UpdateItem',
    ]);
    expect(
      policy(`${ARN}sqs:sendMessage.waitForTaskToken`, {
        QueueUrl: 'https://sqs.us-east-2.amazonaws.com/111122223333/jobs',
        MessageBody: '{% $states.context.Task.Token %}',
      }),
    ).toEqual([{ actions: ['sqs:SendMessage'], resources: ['arn:aws:sqs:us-east-2:111122223333:jobs'] }]);
    expect(
      policy(`${ARN}sns:publish`, { TopicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts', Message: 'x' }),
    ).toEqual([{ actions: ['sns:Publish'], resources: ['arn:aws:sns:eu-west-1:123456789012:alerts'] }]);
    expect(policy(`${ARN}events:putEvents`, { Entries: '{% $entries %}' })).toEqual([
      {
        actions: ['events:PutEvents'],
        resources: ['*'],
        reason:
          "State 'T': Arguments.Entries is a JSONata expression, so the event buses are known only at run time.",
      },
    ]);
  });

  it('refuses optimised integrations it has no rule for', () => {
    expect(() => policy(`${ARN}glue:startJobRun.sync`, { JobName: 'j' })).toThrow(IamDerivationError);
    expect(() => policy(`${ARN}dynamodb:putItem.waitForTaskToken`, { TableName: 't' })).toThrow(
      IamDerivationError,
    );
  });

  it('needs nothing for activities', () => {
    // Activity workers poll with their own role; the state machine's role needs nothing.
    const parsed = machine({ T: task('arn:aws:states:eu-west-1:123456789012:activity:review-queue') });
    const state = parsed.states.get('T');
    if (state?.type !== 'Task') throw new TypeError('expected a Task');
    expect(state.resource.kind).toBe('activity');
    expect(deriveIamPolicy(parsed, ENV)).toEqual([]);
  });

  it('needs only sts:AssumeRole for a task with Credentials', () => {
    const role = 'arn:aws:iam::210987654321:role/cross-account';
    const statements = deriveIamPolicy(
      machine({
        T: task(`${ARN}aws-sdk:s3:getObject`, { Bucket: 'b', Key: 'k' }, { Credentials: { RoleArn: role } }),
      }),
      ENV,
    );
    expect(statements).toEqual([{ actions: ['sts:AssumeRole'], resources: [role] }]);
  });
});

describe('deriveIamPolicy: substitutions and dynamic arguments', () => {
  it('builds ARNs from definitionSubstitutions placeholders', () => {
    const definition = machine(
      {
        Lookup: task(
          `${ARN}aws-sdk:dynamodb:getItem`,
          { TableName: placeholder('AdminsTable'), Key: {} },
          { End: false, Next: 'Send' },
        ),
        Send: task(`${ARN}lambda:invoke`, { FunctionName: placeholder('SenderFunction') }),
      },
      {
        AdminsTable: 'prod-admins',
        SenderFunction: 'arn:aws:lambda:eu-west-1:123456789012:function:sender:3',
      },
    );
    expect(deriveIamPolicy(definition, ENV)).toEqual([
      {
        actions: ['dynamodb:GetItem'],
        resources: ['arn:aws:dynamodb:eu-west-1:123456789012:table/prod-admins'],
      },
      {
        actions: ['lambda:InvokeFunction'],
        resources: ['arn:aws:lambda:eu-west-1:123456789012:function:sender:3'],
      },
    ]);
  });

  it('gives * with the dynamic field as the reason, for every mapping', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [`${ARN}aws-sdk:dynamodb:putItem`, { TableName: '{% $t %}' }, 'Arguments.TableName'],
      [`${ARN}lambda:invoke`, { FunctionName: '{% $f %}' }, 'Arguments.FunctionName'],
      [
        `${ARN}aws-sdk:cognitoidentityprovider:adminDeleteUser`,
        { UserPoolId: '{% $p %}' },
        'Arguments.UserPoolId',
      ],
      [`${ARN}aws-sdk:ssm:putParameter`, { Name: '{% $n %}', Value: 'v' }, 'Arguments.Name'],
      [
        `${ARN}aws-sdk:rdsdata:executeStatement`,
        { ResourceArn: '{% $c %}', Sql: 's' },
        'Arguments.ResourceArn',
      ],
      [`${ARN}sqs:sendMessage`, { QueueUrl: '{% $q %}' }, 'Arguments.QueueUrl'],
      [
        `${ARN}aws-sdk:dynamodb:query`,
        '{% $states.input %}' as unknown as Record<string, unknown>,
        'Arguments',
      ],
    ];
    for (const [resource, args, location] of cases) {
      const statements = policy(resource, args);
      expect(statements, resource).toHaveLength(1);
      expect(statements[0]?.resources, resource).toEqual(['*']);
      expect(statements[0]?.reason, resource).toBe(
        `State 'T': ${location} is a JSONata expression, so the ${whatOf(resource)} is known only at run time.`,
      );
    }
  });

  it('keeps the .sync managed rule scoped when the state machine is dynamic', () => {
    const statements = policy(`${ARN}states:startExecution.sync:2`, { StateMachineArn: '{% $child %}' });
    expect(statements.find((s) => s.actions.includes('events:PutRule'))?.resources).toEqual([
      'arn:aws:events:eu-west-1:123456789012:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule',
    ]);
    const start = statements.find((s) => s.actions.includes('states:StartExecution'));
    expect(start?.resources).toEqual(['*']);
    expect(start?.actions).toEqual([
      'states:DescribeExecution',
      'states:StartExecution',
      'states:StopExecution',
    ]);
    expect(start?.reason).toContain('Arguments.StateMachineArn is a JSONata expression');
  });

  it('defaults region and account to * and honours the partition', () => {
    expect(
      policy(`${ARN}aws-sdk:dynamodb:getItem`, { TableName: 'T' }, { partition: 'aws-cn' })[0]?.resources,
    ).toEqual(['arn:aws-cn:dynamodb:*:*:table/T']);
  });
});

function whatOf(resource: string): string {
  if (resource.includes('dynamodb')) return 'DynamoDB table';
  if (resource.includes('lambda')) return 'Lambda function';
  if (resource.includes('cognito')) return 'Cognito user pool';
  if (resource.includes('ssm')) return 'parameter';
  if (resource.includes('rdsdata')) return 'database cluster';
  return 'SQS queue';
}

describe('deriveIamPolicy: nested states and Map readers', () => {
  const nested = () =>
    machine({
      Fan: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'A', States: { A: task(`${ARN}aws-sdk:dynamodb:getItem`, { TableName: 'Users' }) } },
          {
            StartAt: 'Each',
            States: {
              Each: {
                Type: 'Map',
                Items: '{% $states.input.items %}',
                ItemProcessor: {
                  StartAt: 'B',
                  States: { B: task(`${ARN}aws-sdk:dynamodb:putItem`, { TableName: 'Users' }) },
                },
                End: true,
              },
            },
          },
        ],
        End: true,
      },
    });

  it('walks Parallel branches and Map processors and merges identical resources', () => {
    expect(deriveIamPolicy(nested(), ENV)).toEqual([
      {
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: ['arn:aws:dynamodb:eu-west-1:123456789012:table/Users'],
      },
    ]);
  });

  it('derives the ItemReader and the child executions of a DISTRIBUTED Map', () => {
    const definition = machine({
      Reconcile: {
        Type: 'Map',
        ItemReader: { Resource: `${ARN}s3:listObjectsV2`, Arguments: { Bucket: 'pages', Prefix: 'run/' } },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
          StartAt: 'Read',
          States: { Read: task(`${ARN}s3:getObject`, { Bucket: 'pages', Key: '{% $states.input.Key %}' }) },
        },
        End: true,
      },
    });
    expect(deriveIamPolicy(definition, { ...ENV, stateMachineName: 'reconciliation' })).toEqual([
      {
        actions: ['s3:GetObject'],
        resources: ['arn:aws:s3:::pages/*'],
        reason:
          "State 'Read': Arguments.Key is not a literal key, so the permission covers every object in the bucket.",
      },
      { actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::pages'] },
      {
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: ['arn:aws:states:eu-west-1:123456789012:execution:reconciliation/*'],
        reason:
          "State 'Reconcile': a DISTRIBUTED Map names its child executions when it starts them, so the permission covers the executions of this state machine only, by the prefix of their names.",
      },
      {
        actions: ['states:StartExecution'],
        resources: ['arn:aws:states:eu-west-1:123456789012:stateMachine:reconciliation'],
      },
    ]);
  });

  it('gives the same policy whatever the order of states', () => {
    const states = {
      A: task(
        `${ARN}sns:publish`,
        { TopicArn: 'arn:aws:sns:eu-west-1:123456789012:t' },
        { End: false, Next: 'B' },
      ),
      B: task(`${ARN}aws-sdk:dynamodb:putItem`, { TableName: 'X' }, { End: false, Next: 'C' }),
      C: task(`${ARN}aws-sdk:sesv2:sendEmail`, { FromEmailAddress: '{% $f %}' }),
    };
    const reversed = Object.fromEntries(Object.entries(states).reverse());
    const first = deriveIamPolicy(machine(states), ENV);
    const second = deriveIamPolicy(machine(reversed, undefined, 'A'), ENV);
    expect(second).toEqual(first);
    expect(JSON.stringify(deriveIamPolicy(machine(states), ENV))).toBe(JSON.stringify(first));
  });

  it('never writes a wildcard action', () => {
    const all = deriveIamPolicy(nested(), ENV).flatMap((s) => s.actions);
    expect(all.every((a) => /^[a-z0-9-]+:[A-Za-z0-9]+$/.test(a))).toBe(true);
  });
});

describe('the service table', () => {
  it('spells the IAM prefixes as IAM does', () => {
    const expected: Record<string, string> = {
      rdsdata: 'rds-data',
      sesv2: 'ses',
      cognitoidentityprovider: 'cognito-idp',
      dynamodb: 'dynamodb',
      ssm: 'ssm',
      sfn: 'states',
      eventbridge: 'events',
      cloudwatchlogs: 'logs',
      secretsmanager: 'secretsmanager',
      s3: 's3',
      sqs: 'sqs',
      sns: 'sns',
      lambda: 'lambda',
      kms: 'kms',
      scheduler: 'scheduler',
      pipes: 'pipes',
      efs: 'elasticfilesystem',
      bedrockruntime: 'bedrock',
      keyspaces: 'cassandra',
    };
    for (const [sdk, prefix] of Object.entries(expected)) {
      expect(iamServicePrefix(sdk), sdk).toEqual({ kind: 'prefix', prefix });
    }
  });

  it('lists every service Step Functions documents, in lowercase without separators', () => {
    expect(AWS_SDK_SERVICES.size).toBeGreaterThan(280);
    for (const name of AWS_SDK_SERVICES) expect(name).toMatch(/^[a-z0-9]+$/);
  });
});

describe('deriveIamPolicy: JSONPath tasks', () => {
  const jsonPath = (state: Record<string, unknown>) =>
    deriveIamPolicy(
      parseDefinition({ StartAt: 'T', States: { T: { Type: 'Task', End: true, ...state } } }),
      ENV,
    );

  it('reads a JSONPath task’s Parameters as it reads Arguments: literal names scope the grant', () => {
    expect(
      jsonPath({
        Resource: `${ARN}aws-sdk:dynamodb:putItem`,
        Parameters: { TableName: 'Approvals', 'Item.$': '$.item' },
      }),
    ).toEqual([
      {
        actions: ['dynamodb:PutItem'],
        resources: ['arn:aws:dynamodb:eu-west-1:123456789012:table/Approvals'],
      },
    ]);
  });

  it('grants on * with the reason when a .$ path names the resource', () => {
    expect(
      jsonPath({ Resource: `${ARN}aws-sdk:dynamodb:putItem`, Parameters: { 'TableName.$': '$.table' } }),
    ).toEqual([
      {
        actions: ['dynamodb:PutItem'],
        resources: ['*'],
        reason:
          "State 'T': Parameters.TableName.$ is a path or intrinsic function, so the DynamoDB table is known only at run time.",
      },
    ]);
  });
});
