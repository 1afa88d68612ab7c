/**
 * The address check link, behind API Gateway (HTTP API, payload format 2.0). GET and HEAD read
 * the verification and render it: they change nothing, because mail scanners fetch links. POST
 * is the answer. Holding the link proves the mail reached the address; "this was not me" needs
 * nothing more. "This is my address" also needs the password chosen at sign-up, checked against
 * Cognito (it answers UserNotConfirmedException only for the right password), so the owner of an
 * address cannot confirm, by mistake, a sign-up someone else made with it and holds the password
 * of. It runs the address-verification workflow and maps its answer to a status.
 */
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  NotAuthorizedException,
  UserNotConfirmedException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { AddressVerificationOutput } from '../../workflows/address-verification/schemas.ts';
import { requiredEnv } from '../shared/env.ts';
import { type HttpResponse, json, parseJsonBody } from '../shared/http.ts';
import { notFoundPage, type VerificationView, verificationPage } from './page.ts';

const HttpEvent = z.looseObject({
  requestContext: z.looseObject({ http: z.looseObject({ method: z.string() }) }),
  pathParameters: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().optional(),
});

const ActionBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('CONFIRM'), password: z.string().min(1).max(256) }),
  z.object({ action: z.literal('CANCEL') }),
]);

/** The attributes of a verification the page reads (the task.ts grants exactly these). */
export const PAGE_ATTRIBUTES = ['verificationId', 'status', 'email', 'company', 'verifyBy'] as const;

export interface Dependencies {
  readonly dynamodb: Pick<DynamoDBClient, 'send'>;
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly cognito: Pick<CognitoIdentityProviderClient, 'send'>;
  readonly clientId: string;
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
    return json(400, {
      message:
        'Send a JSON body {"action": "CONFIRM", "password": "<the sign-up password>"} or {"action": "CANCEL"}.',
    });
  }
  if (body.data.action === 'CONFIRM') {
    const refused = await checkPassword(id, body.data.password, deps);
    if (refused) return refused;
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
  const output = AddressVerificationOutput.parse(JSON.parse(execution.output ?? 'null'));
  return json(STATUS_CODES[output.status], { status: output.status, message: MESSAGES[output.status] });
}

/**
 * The sign-up's password, checked by signing in: the right password of an unconfirmed user
 * answers UserNotConfirmedException; a wrong one NotAuthorizedException. Undefined when it
 * matches, else the response to send.
 */
async function checkPassword(
  id: string,
  password: string,
  deps: Dependencies,
): Promise<HttpResponse | undefined> {
  const { Item } = await deps.dynamodb.send(
    new GetItemCommand({
      TableName: deps.verificationsTable,
      Key: { verificationId: { S: id } },
      ProjectionExpression: 'email, #status',
      ExpressionAttributeNames: { '#status': 'status' },
    }),
  );
  const email = Item?.email?.S;
  if (!email) return json(404, { status: 'UNKNOWN', message: MESSAGES.UNKNOWN });
  // Answered or closed already: the workflow says so, whatever the password.
  if (Item?.status?.S !== 'PENDING' && Item?.status?.S !== 'PREPARING') return undefined;
  try {
    await deps.cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: deps.clientId,
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    return undefined; // already confirmed by other means: the password is right all the same
  } catch (error) {
    // Not confirmed: the right password. Gone: the workflow answers that the sign-up is over.
    if (error instanceof UserNotConfirmedException || error instanceof UserNotFoundException)
      return undefined;
    if (error instanceof NotAuthorizedException) {
      return json(403, {
        status: 'WRONG_PASSWORD',
        message:
          'That is not the password chosen at sign-up. If you did not sign up, choose "This was not me".',
      });
    }
    throw error;
  }
}

let deps: Dependencies | undefined;

/** Clients and settings, built once on first use from the function's environment. */
function dependencies(): Dependencies {
  deps ??= {
    dynamodb: new DynamoDBClient({}),
    // StartSyncExecution goes to the sync-states host, which a local endpoint does not have.
    sfn: new SFNClient({ disableHostPrefix: Boolean(process.env.AWS_ENDPOINT_URL_SFN) }),
    cognito: new CognitoIdentityProviderClient({}),
    clientId: requiredEnv('USER_POOL_CLIENT_ID'),
    verificationsTable: requiredEnv('VERIFICATIONS_TABLE'),
    verificationStateMachineArn: requiredEnv('VERIFICATION_STATE_MACHINE_ARN'),
  };
  return deps;
}

export async function handler(event: unknown): Promise<HttpResponse> {
  return respond(HttpEvent.parse(event), dependencies());
}
