/**
 * The address check link, behind API Gateway (HTTP API, payload format 2.0). GET and HEAD read
 * the verification and render it: they change nothing, because mail scanners fetch links. POST
 * is the requester's answer ("this is my address" or "this was not me"): holding the link proves
 * the mail reached the address, so no sign-in is asked (the requester cannot sign in before the
 * approval anyway). It runs the address-verification workflow and maps its answer to a status.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { requiredEnv } from '../shared/env.ts';
import { type HttpResponse, json, parseJsonBody } from '../shared/http.ts';
import { notFoundPage, type VerificationView, verificationPage } from './page.ts';

const HttpEvent = z.looseObject({
  requestContext: z.looseObject({ http: z.looseObject({ method: z.string() }) }),
  pathParameters: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().optional(),
});

const ActionBody = z.object({ action: z.enum(['CONFIRM', 'CANCEL']) });
const VerificationOutput = z.object({
  status: z.enum([
    'CONFIRMED',
    'CANCELLED',
    'ALREADY_ANSWERED',
    'EXPIRED',
    'ABANDONED',
    'NOT_READY',
    'UNKNOWN',
  ]),
  answer: z.string().optional(),
});

/** The attributes of a verification the page reads (the task.ts grants exactly these). */
export const PAGE_ATTRIBUTES = ['verificationId', 'status', 'email', 'company', 'verifyBy'] as const;

export interface Dependencies {
  readonly dynamodb: Pick<DynamoDBClient, 'send'>;
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly verificationsTable: string;
  readonly verificationStateMachineArn: string;
}

/** Ids are UUIDs; anything else cannot name a verification, and is not worth a read. */
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function respond(event: z.infer<typeof HttpEvent>, deps: Dependencies): Promise<HttpResponse> {
  const method = event.requestContext.http.method.toUpperCase();
  const id = event.pathParameters?.id ?? '';
  if (method === 'GET' || method === 'HEAD') {
    const page = await render(id, deps);
    return method === 'HEAD' ? { ...page, body: '' } : page;
  }
  if (method === 'POST') return answer(id, event, deps);
  return json(405, {
    message: `${method} is not allowed here: use GET to view the request, POST to answer.`,
  });
}

async function render(id: string, deps: Dependencies): Promise<HttpResponse> {
  if (!ID.test(id)) return notFoundPage();
  const { Item } = await deps.dynamodb.send(
    new GetItemCommand({
      TableName: deps.verificationsTable,
      Key: { verificationId: { S: id } },
      ProjectionExpression: PAGE_ATTRIBUTES.map((a) => (a === 'status' ? '#status' : a)).join(', '),
      ExpressionAttributeNames: { '#status': 'status' },
    }),
  );
  if (!Item) return notFoundPage();
  const status = Item.status?.S ?? 'PENDING';
  const view: VerificationView = {
    email: Item.email?.S ?? '',
    company: Item.company?.S ?? '',
    // PREPARING: the link was mailed a moment before the wait stored its token; show it as open.
    status:
      (['CONFIRMED', 'CANCELLED', 'EXPIRED', 'ABANDONED', 'FAILED'] as const).find((s) => s === status) ??
      'PENDING',
    ...(Item.verifyBy?.S ? { verifyBy: Item.verifyBy.S } : {}),
  };
  return verificationPage(view);
}

const MESSAGES = {
  CONFIRMED:
    'Thanks, your address is confirmed. The administrators have been asked to approve; you will get an email when they have.',
  CANCELLED: 'Thanks for telling us. The sign-up has been removed.',
  ALREADY_ANSWERED: 'This link was already used.',
  EXPIRED: 'This link expired; the sign-up was removed. You can sign up again.',
  ABANDONED:
    'This sign-up was closed before it could be completed; it has been removed. You can sign up again.',
  NOT_READY: 'This sign-up is still being set up; try again in a few seconds.',
  UNKNOWN: 'This link is not valid or has expired.',
} as const;
const STATUS_CODES = {
  CONFIRMED: 200,
  CANCELLED: 200,
  ALREADY_ANSWERED: 409,
  EXPIRED: 410,
  ABANDONED: 410,
  NOT_READY: 409,
  UNKNOWN: 404,
} as const;

async function answer(
  id: string,
  event: z.infer<typeof HttpEvent>,
  deps: Dependencies,
): Promise<HttpResponse> {
  if (!ID.test(id)) return json(404, { status: 'UNKNOWN', message: MESSAGES.UNKNOWN });
  const body = ActionBody.safeParse(parseJsonBody(event));
  if (!body.success) {
    return json(400, { message: 'Send a JSON body {"action": "CONFIRM"} or {"action": "CANCEL"}.' });
  }
  const execution = await deps.sfn.send(
    new StartSyncExecutionCommand({
      stateMachineArn: deps.verificationStateMachineArn,
      input: JSON.stringify({ verificationId: id, action: body.data.action }),
    }),
  );
  if (execution.status !== 'SUCCEEDED') {
    // The error name only: a cause can quote request data.
    console.error(
      `address-verification ${execution.executionArn} ended ${execution.status}: ${execution.error}`,
    );
    return json(502, { message: 'Your answer could not be recorded; try again in a minute.' });
  }
  const output = VerificationOutput.parse(JSON.parse(execution.output ?? 'null'));
  return json(STATUS_CODES[output.status], { status: output.status, message: MESSAGES[output.status] });
}

let deps: Dependencies | undefined;

/** Clients and settings, built once on first use from the function's environment. */
function dependencies(): Dependencies {
  deps ??= {
    dynamodb: new DynamoDBClient({}),
    // StartSyncExecution goes to the sync-states host, which a local endpoint does not have.
    sfn: new SFNClient({ disableHostPrefix: Boolean(process.env.AWS_ENDPOINT_URL_SFN) }),
    verificationsTable: requiredEnv('VERIFICATIONS_TABLE'),
    verificationStateMachineArn: requiredEnv('VERIFICATION_STATE_MACHINE_ARN'),
  };
  return deps;
}

export async function handler(event: unknown): Promise<HttpResponse> {
  return respond(HttpEvent.parse(event), dependencies());
}
