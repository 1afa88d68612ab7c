/**
 * The schema migrations in the data stack: one custom resource carrying the migration set's hash,
 * its function bundled with the SQL files and allowed exactly the Data API calls, the secret and
 * the key use they need, after the whole cluster and before the workflows stack.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type ProjectStacks } from '../../constructs/index.ts';
import { MIGRATIONS_DIR, migrationsHash, readMigrations } from '../../db/migrate.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };
type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown; Effect: string };
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

describe('the schema migrations custom resource', () => {
  let outdir: string;
  let stacks: ProjectStacks;
  let resources: Record<string, Resource>;
  const id = (construct: IConstruct) =>
    Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'cdk-migrations-'));
    const app = new App({ outdir, context: { prefix: 'test', senderAddress: 'ops@example.org' } });
    stacks = buildApp(app);
    // Bundles every function and runs cdk-nag: an unacknowledged finding throws here.
    app.synth();
    resources = Template.fromStack(stacks.data).toJSON().Resources;
  }, 180_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  /** The template resource of a construct (its default child). */
  const resourceOf = (construct: IConstruct): Resource => {
    const found = resources[id(construct)];
    if (found === undefined) throw new Error(`no resource for ${construct.node.path}`);
    return found;
  };
  /** The statements of the one policy attached to a role. */
  const statementsOf = (role: IConstruct): Statement[] => {
    const policies = Object.values(resources).filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        list(r.Properties.Roles as unknown[]).some(
          (ref) => JSON.stringify(ref) === JSON.stringify({ Ref: id(role) }),
        ),
    );
    expect(policies).toHaveLength(1);
    return (
      (policies[0]?.Properties.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? []
    );
  };

  const customResources = () =>
    Object.entries(resources).filter(([, r]) => r.Type === 'Custom::SchemaMigrations');

  it('is one custom resource in the data stack, naming the cluster, secret, database and the set’s hash', () => {
    expect(customResources()).toHaveLength(1);
    const [, resource] = customResources()[0] ?? [];
    const { data } = stacks;
    expect(resource?.Properties).toEqual({
      ServiceToken: {
        'Fn::GetAtt': [
          id(data.migrations.node.findChild('Provider').node.findChild('framework-onEvent')),
          'Arn',
        ],
      },
      ResourceArn: data.resolve(data.cluster.clusterArn),
      SecretArn: data.resolve(data.databaseSecret.secretArn),
      Database: 'app',
      MigrationsHash: migrationsHash(readMigrations()),
    });
    expect(data.migrations.migrationsHash).toBe(migrationsHash(readMigrations()));
    expect(Template.fromStack(stacks.workflows).findResources('Custom::SchemaMigrations')).toEqual({});
  });

  it('has a hash that changes when a migration is edited, added or renamed, and only then', () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
    try {
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      const deployed = migrationsHash(readMigrations());
      expect(migrationsHash(readMigrations(dir))).toBe(deployed);
      const [first] = readdirSync(dir).filter((f) => f.endsWith('.sql'));
      if (first === undefined) throw new Error('db/migrations has no file');
      const text = readFileSync(join(dir, first), 'utf8');

      writeFileSync(join(dir, first), `${text}\nCREATE TABLE extra (id int);\n`);
      const edited = migrationsHash(readMigrations(dir));
      writeFileSync(join(dir, first), text);
      writeFileSync(join(dir, '9999_added.sql'), 'CREATE TABLE added (id int);\n');
      const added = migrationsHash(readMigrations(dir));
      rmSync(join(dir, '9999_added.sql'));
      cpSync(join(dir, first), join(dir, `0000_${first.slice(5)}`));
      rmSync(join(dir, first));
      const renamed = migrationsHash(readMigrations(dir));

      expect(new Set([deployed, edited, added, renamed]).size).toBe(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bundles the SQL files with the handler, where db/migrate.ts reads them', () => {
    const code = resourceOf(stacks.data.migrations.function).Properties.Code as { S3Key: string };
    const asset = join(outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
    const bundled = readdirSync(join(asset, 'migrations')).sort();
    expect(bundled).toEqual(readMigrations().map((m) => m.name));
    for (const file of bundled) {
      expect(readFileSync(join(asset, 'migrations', file), 'utf8')).toBe(
        readFileSync(join(MIGRATIONS_DIR, file), 'utf8'),
      );
    }
    expect(readdirSync(asset)).toContain('index.mjs');
  });

  it('runs Node.js 22 on ARM, for longer than a paused database takes to resume, logging to its own group kept 30 days', () => {
    const { migrations } = stacks.data;
    const fn = resources[id(migrations.function)]?.Properties;
    expect(fn).toMatchObject({
      FunctionName: 'test-data-schema-migrations',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 600,
    });
    expect(fn?.TracingConfig).toBeUndefined();
    const group = resources[id(migrations.node.findChild('Logs'))]?.Properties;
    expect(group).toEqual({ LogGroupName: '/aws/lambda/test-data-schema-migrations', RetentionInDays: 30 });
    expect(fn?.LoggingConfig).toEqual({ LogGroup: { Ref: id(migrations.node.findChild('Logs')) } });
    // The framework's function waits for the handler (15 minutes > 10) and logs to a group with a retention.
    const provider = migrations.node.findChild('Provider').node.findChild('framework-onEvent');
    const framework = resources[id(provider)]?.Properties;
    expect(framework?.Timeout).toBe(900);
    const providerLogs = id(migrations.node.findChild('ProviderLogs'));
    expect(framework?.LoggingConfig).toMatchObject({ LogGroup: { Ref: providerLogs } });
    expect(resources[providerLogs]?.Properties).toEqual({ RetentionInDays: 30 });
  });

  it("gives the function's role exactly the Data API calls on the cluster, the secret, its key through Secrets Manager, and its logs", () => {
    const { data } = stacks;
    const role = data.migrations.node.findChild('Role');
    const statements = statementsOf(role);
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: {
          'Fn::Join': ['', [{ 'Fn::GetAtt': [id(data.migrations.node.findChild('Logs')), 'Arn'] }, ':*']],
        },
      },
      {
        Effect: 'Allow',
        Action: [
          'rds-data:BeginTransaction',
          'rds-data:CommitTransaction',
          'rds-data:ExecuteStatement',
          'rds-data:RollbackTransaction',
        ],
        Resource: data.resolve(data.cluster.clusterArn),
      },
      {
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: data.resolve(data.databaseSecret.secretArn),
      },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [id(data.dataKey), 'Arn'] },
        Condition: {
          StringEquals: {
            'kms:ViaService': {
              'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']],
            },
          },
        },
      },
    ]);
    expect(resources[id(role)]?.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it("gives the provider framework's role only its logs and the invocation of the migrations function", () => {
    const { migrations } = stacks.data;
    const role = migrations.node.findChild('ProviderRole');
    const fn = { 'Fn::GetAtt': [id(migrations.function), 'Arn'] };
    expect(statementsOf(role)).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: {
          'Fn::Join': ['', [{ 'Fn::GetAtt': [id(migrations.node.findChild('ProviderLogs')), 'Arn'] }, ':*']],
        },
      },
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [fn, { 'Fn::Join': ['', [fn, ':*']] }] },
      { Effect: 'Allow', Action: 'lambda:GetFunction', Resource: fn },
    ]);
    expect(resources[id(role)]?.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('runs after the whole cluster (its writer included), and before anything of the workflows stack', () => {
    const [, resource] = customResources()[0] ?? [];
    const of = (type: string) =>
      Object.entries(resources)
        .filter(([, r]) => r.Type === type)
        .map(([logicalId]) => logicalId);
    for (const type of [
      'AWS::RDS::DBCluster',
      'AWS::RDS::DBInstance',
      'AWS::SecretsManager::SecretTargetAttachment',
    ]) {
      expect(of(type)).toHaveLength(1);
      expect(resource?.DependsOn).toContain(of(type)[0]);
    }
    // The workflows stack (state machines, pipes, functions) deploys after the data stack is
    // complete, the migrations included: CloudFormation cannot start it earlier.
    expect(stacks.workflows.dependencies).toContain(stacks.data);
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { dependencies?: string[] }>;
    };
    expect(manifest.artifacts[stacks.workflows.artifactId]?.dependencies).toContain(stacks.data.artifactId);
    const dataTypes = new Set(Object.values(resources).map((r) => r.Type));
    for (const type of ['AWS::StepFunctions::StateMachine', 'AWS::Pipes::Pipe', 'AWS::Scheduler::Schedule'])
      expect(dataTypes.has(type), type).toBe(false);
  });
});
