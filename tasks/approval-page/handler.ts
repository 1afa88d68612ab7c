/**
 * The approval link, behind API Gateway (HTTP API, payload format 2.0). GET and HEAD read the
 * approval and render it: they change nothing, because mail scanners fetch links and run their
 * scripts. POST is the decision: API Gateway's Cognito JWT authorizer has already refused a
 * request without a valid ID token (401); this runs the approval-decision workflow with the
 * admin taken from the token's claims and maps its answer to a status code.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { ApprovalDecisionOutput } from '../../workflows/approval-decision/schemas.ts';
import { cognitoEndpoint, requiredEnv } from '../shared/env.ts';
import type { Page } from '../shared/html.ts';
import { type HttpResponse, json, parseJsonBody, RequestContext, signedInUser } from '../shared/http.ts';
import { type ApprovalView, approvalPage, notFoundPage } from './page.ts';

const HttpEvent = z.looseObject({
  requestContext: RequestContext,
  pathParameters: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().optional(),
});

const DecisionBody = z.object({ decision: z.enum(['APPROVE', 'DENY']) });

export interface Dependencies {
  readonly dynamodb: Pick<DynamoDBClient, 'send'>;
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly approvalsTable: string;
  readonly decisionStateMachineArn: string;
  readonly cognitoEndpoint: string;
  readonly clientId: string;
}

/** The attributes of an approval the page reads (the task.ts grants exactly these). */
export const PAGE_ATTRIBUTES = [
  'approvalId',
  'status',
  'email',
  'company',
  'decision',
  'outcome',
  'requestedAt',
  'decideBy',
] as const;

/** Ids are UUIDs; anything else cannot name an approval, and is not worth a read. */
const APPROVAL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function respond(event: z.infer<typeof HttpEvent>, deps: Dependencies): Promise<HttpResponse> {
  const method = event.requestContext.http.method.toUpperCase();
  const approvalId = event.pathParameters?.id ?? '';
  if (method === 'GET' || method === 'HEAD') {
    const page = await render(approvalId, deps);
    return method === 'HEAD' ? { ...page, body: '' } : page;
  }
  if (method === 'POST') return decide(approvalId, event, deps);
  return json(405, {
    message: `${method} is not allowed here: use GET to view the request, POST to decide.`,
  });
}

async function render(approvalId: string, deps: Dependencies): Promise<Page> {
  if (!APPROVAL_ID.test(approvalId)) return notFoundPage();
  const { Item } = await deps.dynamodb.send(
    new GetItemCommand({
      TableName: deps.approvalsTable,
      Key: { approvalId: { S: approvalId } },
      // Never the task token: the page has no use for it (and on AWS its role may read only these).
      ProjectionExpression: PAGE_ATTRIBUTES.map((a) => (a === 'status' ? '#status' : a)).join(', '),
      ExpressionAttributeNames: { '#status': 'status' },
    }),
  );
  if (!Item) return notFoundPage();
  const status = Item.status?.S;
  const view: ApprovalView = {
    approvalId,
    email: Item.email?.S ?? '',
    company: Item.company?.S ?? '',
    status:
      status === 'DECIDED' || status === 'EXPIRED' || status === 'ABANDONED' || status === 'FAILED'
        ? status
        : 'PENDING',
    ...(Item.decision?.S ? { decision: Item.decision.S } : {}),
    ...(Item.outcome?.S ? { outcome: Item.outcome.S } : {}),
    ...(Item.requestedAt?.S ? { requestedAt: Item.requestedAt.S } : {}),
    ...(Item.decideBy?.S ? { decideBy: Item.decideBy.S } : {}),
  };
  return approvalPage(view, { cognitoEndpoint: deps.cognitoEndpoint, clientId: deps.clientId });
}

const MESSAGES = {
  DECIDED: (decision?: string) => `Done: the request was ${decision === 'APPROVED' ? 'approved' : 'denied'}.`,
  ALREADY_DECIDED: (decision?: string) =>
    `Already decided: this request was ${decision === 'APPROVED' ? 'approved' : 'denied'} before.`,
  EXPIRED: () => 'This request expired before anyone decided.',
  ABANDONED: () =>
    'This request was closed before your decision could take effect (its workflow was stopped); the sign-up was removed and the requester asked to sign up again.',
  NOT_READY: () => 'This request is still being set up; try again in a few seconds.',
  UNKNOWN: () => 'This approval link is not valid or has expired.',
  FORBIDDEN: () => 'Only an administrator of this company can decide on this request.',
} as const;
const STATUS_CODES = {
  DECIDED: 200,
  ALREADY_DECIDED: 409,
  EXPIRED: 410,
  ABANDONED: 410,
  NOT_READY: 409,
  UNKNOWN: 404,
  FORBIDDEN: 403,
} as const;

async function decide(
  approvalId: string,
  event: z.infer<typeof HttpEvent>,
  deps: Dependencies,
): Promise<HttpResponse> {
  const { sub, email } = signedInUser(event.requestContext) ?? {};
  // API Gateway's authorizer refuses these first; this holds if the route is ever misconfigured.
  if (!sub || !email) {
    return json(401, { message: 'Sign in as an administrator first (an ID token is required).' });
  }
  if (!APPROVAL_ID.test(approvalId)) return json(404, { status: 'UNKNOWN', message: MESSAGES.UNKNOWN() });
  const body = DecisionBody.safeParse(parseJsonBody(event));
  if (!body.success) {
    return json(400, { message: 'Send a JSON body {"decision": "APPROVE"} or {"decision": "DENY"}.' });
  }
  const execution = await deps.sfn.send(
    new StartSyncExecutionCommand({
      stateMachineArn: deps.decisionStateMachineArn,
      input: JSON.stringify({ approvalId, decision: body.data.decision, admin: { sub, email } }),
    }),
  );
  if (execution.status !== 'SUCCEEDED') {
    // The error name only: a cause can quote request data.
    console.error(
      `approval-decision ${execution.executionArn} ended ${execution.status}: ${execution.error}`,
    );
    return json(502, { message: 'The decision could not be recorded; try again in a minute.' });
  }
  const output = ApprovalDecisionOutput.parse(JSON.parse(execution.output ?? 'null'));
  return json(STATUS_CODES[output.status], {
    status: output.status,
    ...(output.decision ? { decision: output.decision } : {}),
    message: MESSAGES[output.status](output.decision),
  });
}

let deps: Dependencies | undefined;

/** Clients and settings, built once on first use from the function's environment. */
function dependencies(): Dependencies {
  if (deps) return deps;
  deps = {
    dynamodb: new DynamoDBClient({}),
    // StartSyncExecution goes to the sync-states host, which a local endpoint does not have.
    sfn: new SFNClient({ disableHostPrefix: Boolean(process.env.AWS_ENDPOINT_URL_SFN) }),
    approvalsTable: requiredEnv('APPROVALS_TABLE'),
    decisionStateMachineArn: requiredEnv('DECISION_STATE_MACHINE_ARN'),
    clientId: requiredEnv('USER_POOL_CLIENT_ID'),
    cognitoEndpoint: cognitoEndpoint(),
  };
  return deps;
}

export async function handler(event: unknown): Promise<HttpResponse> {
  return respond(HttpEvent.parse(event), dependencies());
}
