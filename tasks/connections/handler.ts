/**
 * The connections page and its API, behind API Gateway (HTTP API, payload format 2.0).
 * `GET /connections` renders the page (sign-in, then the data through the API). The API routes
 * need a Cognito ID token (the JWT authorizer checked it); every read and action is scoped to the
 * token's `sub`: a user sees and acts on their own connections only, whatever id a request names.
 */

import { randomUUID } from 'node:crypto';
import { type AttributeValue, DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { cognitoEndpoint, requiredEnv } from '../shared/env.ts';
import { type HttpResponse, json, RequestContext, signedInUser } from '../shared/http.ts';
import { Connections, DISCOVERY_STALLED_MS } from '../shared/oauth/connections.ts';
import { CONNECTION_ID, tokenParameters } from '../shared/oauth/names.ts';
import { connectionsPage } from './page.ts';

const HttpEvent = z.looseObject({
  routeKey: z.string(),
  requestContext: RequestContext,
  pathParameters: z.record(z.string(), z.string()).optional(),
});

export interface Dependencies {
  readonly dynamodb: Pick<DynamoDBClient, 'send'>;
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly connections: Connections;
  readonly now: () => number;
  readonly resourcesTable: string;
  readonly discoveryStateMachineArn: string;
  readonly disconnectStateMachineArn: string;
  readonly parameterPath: string;
  readonly cognitoEndpoint: string;
  readonly clientId: string;
}

export interface ResourceView {
  readonly resourceId: string;
  readonly kind: string;
  readonly name: string;
  readonly skipReason?: string;
  readonly attributes: Record<string, string>;
}

export interface ConnectionView {
  readonly connectionId: string;
  readonly provider: string;
  readonly displayName: string;
  readonly status: string;
  readonly statusReasons: readonly string[];
  readonly scopes: readonly string[];
  readonly consentedAt?: string;
  readonly accessTokenExpiresAt?: string;
  readonly discoveredAt?: string;
  readonly hasRefreshToken: boolean;
  /** DISCOVERING for longer than any discovery takes: it did not finish; Discover again may run. */
  readonly stalled: boolean;
  readonly active: readonly ResourceView[];
  readonly skipped: readonly ResourceView[];
}

export async function respond(event: z.infer<typeof HttpEvent>, deps: Dependencies): Promise<HttpResponse> {
  const route = event.routeKey;
  if (route === 'GET /connections' || route === 'HEAD /connections') {
    const page = connectionsPage({ cognitoEndpoint: deps.cognitoEndpoint, clientId: deps.clientId });
    return route.startsWith('HEAD') ? { ...page, body: '' } : page;
  }
  const userId = signedInUser(event.requestContext)?.sub;
  // API Gateway's authorizer refuses these first; this holds if the route is ever misconfigured.
  if (!userId) return json(401, { message: 'Sign in first (an ID token is required).' });
  if (route === 'GET /api/connections') return json(200, { connections: await list(userId, deps) });
  if (route !== 'POST /api/connections/{id}/discover' && route !== 'POST /api/connections/{id}/disconnect') {
    return json(404, { message: `No such route: ${route.slice(0, 100)}.` });
  }
  const connectionId = event.pathParameters?.id ?? '';
  const status = CONNECTION_ID.test(connectionId)
    ? await deps.connections.status(userId, connectionId)
    : undefined;
  if (status === undefined) return json(404, { message: 'You have no connection with this id.' });
  if (route === 'POST /api/connections/{id}/discover') {
    if (status === 'REVOKED')
      return json(409, { message: 'This connection was disconnected: connect again.' });
    // One discovery at a time per connection (two clicks start one), unless the last one stalled.
    if (!(await deps.connections.markDiscovering(userId, connectionId, deps.now()))) {
      return json(409, { message: 'Discovery is already running for this connection.' });
    }
    try {
      const execution = await deps.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: deps.discoveryStateMachineArn,
          name: `rediscover-${randomUUID()}`,
          input: JSON.stringify({ userId, connectionId }),
        }),
      );
      return json(202, { message: 'Discovery started.', executionArn: execution.executionArn });
    } catch (error) {
      console.error(`connections: discovery did not start: ${(error as Error).name}`);
      await deps.connections.recordFailure(userId, connectionId, 'DISCOVERY_NOT_STARTED', deps.now());
      return json(502, { message: 'Discovery could not be started; try again in a minute.' });
    }
  }
  if (status === 'REVOKED') return json(200, { message: 'Already disconnected.' });
  const names = tokenParameters(deps.parameterPath, userId, connectionId);
  const execution = await deps.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: deps.disconnectStateMachineArn,
      name: `disconnect-${randomUUID()}`,
      input: JSON.stringify({ userId, connectionId, parameters: [names.accessToken, names.refreshToken] }),
    }),
  );
  return json(202, { message: 'Disconnecting.', executionArn: execution.executionArn });
}

const strings = (value: AttributeValue | undefined): string[] =>
  (value?.L ?? []).flatMap((v) => (v.S === undefined ? [] : [v.S]));

async function list(userId: string, deps: Dependencies): Promise<ConnectionView[]> {
  const views: ConnectionView[] = [];
  for (const item of await deps.connections.list(userId, 20)) {
    const connectionId = item.connectionId?.S ?? '';
    const status = item.status?.S ?? 'UNKNOWN';
    // A disconnected connection shows none (a discovery racing the disconnect may have left some).
    const resources = status === 'REVOKED' ? [] : await resourcesOf(connectionId, deps);
    const updatedAt = Date.parse(item.updatedAt?.S ?? '');
    views.push({
      connectionId,
      provider: item.provider?.S ?? '',
      displayName: item.displayName?.S ?? '',
      status,
      statusReasons: strings(item.statusReasons),
      scopes: strings(item.scopes),
      ...(item.consentedAt?.S ? { consentedAt: item.consentedAt.S } : {}),
      ...(item.accessTokenExpiresAt?.S ? { accessTokenExpiresAt: item.accessTokenExpiresAt.S } : {}),
      ...(item.discoveredAt?.S ? { discoveredAt: item.discoveredAt.S } : {}),
      hasRefreshToken: item.hasRefreshToken?.BOOL === true,
      stalled: status === 'DISCOVERING' && updatedAt < deps.now() - DISCOVERY_STALLED_MS,
      active: resources.filter((r) => r.skipReason === undefined),
      skipped: resources.filter((r) => r.skipReason !== undefined),
    });
  }
  return views;
}

async function resourcesOf(connectionId: string, deps: Dependencies): Promise<ResourceView[]> {
  const { Items = [] } = await deps.dynamodb.send(
    new QueryCommand({
      TableName: deps.resourcesTable,
      KeyConditionExpression: 'connectionId = :connection',
      ExpressionAttributeValues: { ':connection': { S: connectionId } },
      Limit: 500,
    }),
  );
  return Items.map((item) => ({
    resourceId: item.resourceId?.S ?? '',
    kind: item.kind?.S ?? '',
    name: item.name?.S ?? '',
    ...(item.status?.S === 'SKIPPED' ? { skipReason: item.skipReason?.S ?? 'Skipped.' } : {}),
    attributes: Object.fromEntries(
      Object.entries(item.attributes?.M ?? {}).flatMap(([k, v]) => (v.S === undefined ? [] : [[k, v.S]])),
    ),
  }));
}

let deps: Dependencies | undefined;

function dependencies(): Dependencies {
  if (deps) return deps;
  const dynamodb = new DynamoDBClient({});
  deps = {
    dynamodb,
    sfn: new SFNClient({}),
    connections: new Connections(dynamodb, requiredEnv('CONNECTIONS_TABLE')),
    now: Date.now,
    resourcesTable: requiredEnv('RESOURCES_TABLE'),
    discoveryStateMachineArn: requiredEnv('DISCOVERY_STATE_MACHINE_ARN'),
    disconnectStateMachineArn: requiredEnv('DISCONNECT_STATE_MACHINE_ARN'),
    parameterPath: requiredEnv('OAUTH_PARAMETER_PATH'),
    cognitoEndpoint: cognitoEndpoint(),
    clientId: requiredEnv('USER_POOL_CLIENT_ID'),
  };
  return deps;
}

export async function handler(event: unknown): Promise<HttpResponse> {
  return respond(HttpEvent.parse(event), dependencies());
}
