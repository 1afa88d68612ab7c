/**
 * OAuth onboarding on AWS, checked on the synthesized app: the routes and their authorizer, each
 * function's SSM, KMS and DynamoDB grants, the settings in their environment, and what the
 * discovery and disconnect machines may invoke and delete. app.test.ts runs these on its one
 * synthesis (synthesizing bundles every function and runs cdk-nag: seconds each time).
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProjectStacks } from '../../constructs/index.ts';
import { TASKS } from '../../tasks/index.ts';

type Statement = {
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};
type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Pseudo parameters as a deployment in eu-west-1 of account 111111111111 would resolve them. */
const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '111111111111',
  'AWS::URLSuffix': 'amazonaws.com',
};
/** A template value as a string: pseudo parameters filled in, any other reference as `<...>`. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return PSEUDO[v.Ref] ?? `<Ref ${v.Ref}>`;
  if (Array.isArray(v['Fn::Join'])) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(sep);
  }
  return `<${JSON.stringify(value)}>`;
}

const ARN = 'arn:aws:ssm:eu-west-1:111111111111:parameter';
const CLIENT_SECRET = `${ARN}/test/oauth/client-secret`;
const TOKENS = `${ARN}/test/oauth/connections/*`;
export const OAUTH_SETTINGS = {
  oauthProviderName: 'acme',
  oauthIssuer: 'https://login.acme.example',
  oauthClientId: 'wf-app',
  oauthApiA: 'https://api-a.acme.example/v1',
  oauthApiB: 'https://api-b.acme.example',
  oauthScopes: 'openid offline_access projects.read',
};

/** What each OAuth function may do in SSM, and nothing more (tasks/<task>/task.ts `oauthParameters`). */
const SSM_GRANTS: Record<string, readonly string[]> = {
  'auth-start': [`ssm:GetParameter ${CLIENT_SECRET}`],
  'auth-callback': [
    `ssm:GetParameter ${CLIENT_SECRET}`,
    `ssm:PutParameter ${TOKENS}`,
    `ssm:DeleteParameters ${TOKENS}`,
  ],
  'discover-projects': [
    `ssm:GetParameter ${CLIENT_SECRET}`,
    `ssm:GetParameters ${TOKENS}`,
    `ssm:PutParameter ${TOKENS}`,
  ],
  'discover-accounts': [`ssm:GetParameter ${CLIENT_SECRET}`, `ssm:GetParameters ${TOKENS}`],
  'revoke-connection': [`ssm:GetParameter ${CLIENT_SECRET}`, `ssm:GetParameters ${TOKENS}`],
  connections: [],
};
const WRITERS = ['auth-callback', 'discover-projects'];
const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());

/**
 * The OAuth onboarding checks of the synthesized app, run by app.test.ts on its one synthesis
 * (a synthesis bundles every function and runs cdk-nag: seconds each time).
 */
export function describeOAuthOnboarding(synthesized: () => ProjectStacks): void {
  describe('OAuth onboarding on AWS', () => {
    let stacks: ProjectStacks;
    let resources: Resources;
    const statementsOf = (idPrefix: string): Statement[] =>
      Object.entries(resources)
        .filter(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith(idPrefix))
        .flatMap(([, r]) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    const functionStatements = (task: string) => statementsOf(`${pascal(task)}TaskRole`);
    const grantsOf = (statements: Statement[], service: string) =>
      statements
        .flatMap((s) =>
          list(s.Action)
            .filter((a) => a.startsWith(`${service}:`))
            .flatMap((a) => list(s.Resource).map((r) => `${a} ${render(r)}`)),
        )
        .sort();
    const environmentOf = (task: string): Record<string, unknown> => {
      const fn = Object.values(resources).find(
        (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === `test-${task}`,
      );
      if (!fn) throw new Error(`no function test-${task}`);
      return (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    };
    const tableArn = (table: string) => {
      const declared = stacks.data.tables[table as keyof ProjectStacks['data']['tables']];
      return render(stacks.workflows.resolve(declared.tableArn));
    };

    beforeAll(() => {
      stacks = synthesized();
      resources = Template.fromStack(stacks.workflows).toJSON().Resources as Resources;
    });

    it('puts /auth/start and the /api/connections routes behind the Cognito JWT authorizer; the callback and the page are public', () => {
      const routes = new Map(
        Object.values(resources)
          .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')
          .map((r) => [r.Properties.RouteKey as string, r.Properties.AuthorizationType ?? 'NONE']),
      );
      expect(Object.fromEntries(routes)).toMatchObject({
        'GET /auth/start': 'JWT',
        'GET /auth/callback': 'NONE',
        'GET /connections': 'NONE',
        'HEAD /connections': 'NONE',
        'GET /api/connections': 'JWT',
        'POST /api/connections/{id}/discover': 'JWT',
        'POST /api/connections/{id}/disconnect': 'JWT',
      });
    });

    it('passes the context settings to the functions that talk to the provider', () => {
      expect(environmentOf('auth-start')).toMatchObject({
        OAUTH_PROVIDER_NAME: 'acme',
        OAUTH_ISSUER: 'https://login.acme.example',
        OAUTH_CLIENT_ID: 'wf-app',
        OAUTH_API_A: 'https://api-a.acme.example/v1',
        OAUTH_API_B: 'https://api-b.acme.example',
        OAUTH_SCOPES: 'openid offline_access projects.read',
        OAUTH_PARAMETER_PATH: '/test/oauth',
      });
    });

    it('gives each OAuth function exactly its SSM actions, on the client secret or the connections’ tokens only', () => {
      for (const [task, expected] of Object.entries(SSM_GRANTS)) {
        const statements = functionStatements(task);
        expect(statements.length, task).toBeGreaterThan(0);
        expect(grantsOf(statements, 'ssm'), task).toEqual([...expected].sort());
        for (const grant of grantsOf(statements, 'ssm')) {
          expect(grant).not.toMatch(/^ssm:\S*\*/);
          expect(grant.split(' ')[1]?.startsWith(`${ARN}/test/oauth/`)).toBe(true);
        }
      }
    });

    it('lets the data key be used only through SSM (the tokens, the client secret) and DynamoDB (the tables)', () => {
      for (const task of Object.keys(SSM_GRANTS)) {
        const kms = functionStatements(task).filter((s) => list(s.Action).some((a) => a.startsWith('kms:')));
        for (const s of kms) {
          const via = s.Condition?.StringEquals?.['kms:ViaService'];
          const context = s.Condition?.StringEquals?.['kms:EncryptionContext:aws:states:stateMachineArn'];
          // Starting a workflow uses the execution key for that machine's data only.
          if (context !== undefined) continue;
          expect(render(via), `${task}: ${JSON.stringify(s)}`).toMatch(
            /^(ssm|dynamodb)\.eu-west-1\.amazonaws\.com$/,
          );
          expect(render(s.Resource)).not.toBe('*');
        }
        const viaSsm = kms
          .filter((s) => render(s.Condition?.StringEquals?.['kms:ViaService']).startsWith('ssm.'))
          .flatMap((s) => list(s.Action))
          .sort();
        const uses = SSM_GRANTS[task] ?? [];
        const expected = [
          ...(uses.some((g) => g.startsWith('ssm:Get')) ? ['kms:Decrypt'] : []),
          ...(WRITERS.includes(task) ? ['kms:Encrypt', 'kms:GenerateDataKey'] : []),
        ].sort();
        expect(viaSsm, task).toEqual(expected);
      }
    });

    it('encrypts the tokens it writes with the data key: OAUTH_KMS_KEY_ID only for the writers', () => {
      for (const task of Object.keys(SSM_GRANTS)) {
        const variables = environmentOf(task);
        if (WRITERS.includes(task)) expect(JSON.stringify(variables.OAUTH_KMS_KEY_ID)).toContain('DataKey');
        else expect(variables.OAUTH_KMS_KEY_ID).toBeUndefined();
      }
    });

    it('grants each declared table access exactly: those DynamoDB actions on that table, nothing else', () => {
      for (const task of TASKS.filter((t) => t.name in SSM_GRANTS)) {
        const expected = (task.tableAccess ?? [])
          .flatMap(({ table, actions }) => actions.map((a) => `dynamodb:${a} ${tableArn(table)}`))
          .sort();
        expect(grantsOf(functionStatements(task.name), 'dynamodb'), task.name).toEqual(expected);
      }
    });

    it('lets the discovery machine invoke exactly the two discovery functions', () => {
      const functionArn = (task: string) => `arn:aws:lambda:eu-west-1:111111111111:function:test-${task}`;
      const invoke = grantsOf(statementsOf('OauthDiscoveryPolicy'), 'lambda');
      expect(invoke).toEqual(
        ['discover-accounts', 'discover-projects']
          .flatMap((t) => [functionArn(t), `${functionArn(t)}:*`])
          .map((arn) => `lambda:InvokeFunction ${arn}`)
          .sort(),
      );
      expect(grantsOf(statementsOf('OauthDiscoveryPolicy'), 'ssm')).toEqual([]);
      expect(grantsOf(statementsOf('OauthDisconnectPolicy'), 'lambda')).toEqual(
        [functionArn('revoke-connection'), `${functionArn('revoke-connection')}:*`].map(
          (arn) => `lambda:InvokeFunction ${arn}`,
        ),
      );
    });

    it('lets the disconnect machine delete parameters only under the connections’ path', () => {
      expect(grantsOf(statementsOf('OauthDisconnectPolicy'), 'ssm')).toEqual([
        `ssm:DeleteParameters ${TOKENS}`,
      ]);
    });
  });
}
