/**
 * cognito-local in process, assembled as its `createDefaultServer` does but with the data under
 * `options.dataDir`, a free loopback port, triggers from each pool's LambdaConfig run in process
 * (private/triggers.ts), and no message sender that prints codes or temporary passwords.
 *
 * Where cognito-local is more permissive than AWS, the guards of private/ enforce AWS's rules
 * before its targets answer: tokens signed with this data directory's own key and access tokens
 * verified (tokens.ts), the pool's password policy (password-policy.ts), the app client's auth
 * flows and challenge sessions (sign-in.ts), user names as UsernameConfiguration says
 * (usernames.ts), declared and client-writable attributes (schema.ts), no self-confirmation in a
 * pool that verifies nothing (confirmation.ts), CreateGroup's constraints and GroupExists
 * (groups.ts). AdminListGroupsForUser and ListUsers are answered as AWS answers them, by username
 * or alias and in pages (paging.ts). The hosted UI (/oauth2/*) is not served: the local pools
 * have no domain.
 */
import { mkdir } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { InvalidParameterError } from 'cognito-local/lib/errors.js';
import { Router } from 'cognito-local/lib/server/Router.js';
import { createServer } from 'cognito-local/lib/server/server.js';
import { CognitoServiceFactoryImpl } from 'cognito-local/lib/services/cognitoService.js';
import type { Context } from 'cognito-local/lib/services/context.js';
import { CryptoService } from 'cognito-local/lib/services/crypto.js';
import { StormDBDataStoreFactory } from 'cognito-local/lib/services/dataStore/stormDb.js';
import {
  DateClock,
  LambdaService,
  MessagesService,
  TriggersService,
} from 'cognito-local/lib/services/index.js';
import { MessageDeliveryService } from 'cognito-local/lib/services/messageDelivery/messageDelivery.js';
import { otp } from 'cognito-local/lib/services/otp.js';
import { JwtTokenGenerator, type TokenConfig } from 'cognito-local/lib/services/tokenGenerator.js';
import { UserPoolServiceFactoryImpl } from 'cognito-local/lib/services/userPoolService.js';
import type { LambdaHandler } from '../lambda/index.ts';
import { type LocalService, type LocalServiceOptions, listen } from '../service.ts';
import { confirmation, verifiesAutomatically } from './private/confirmation.ts';
import { createGroup } from './private/groups.ts';
import { type Guard, runGuards } from './private/guard.ts';
import { pinoLogger } from './private/logger.ts';
import { pagedTargets } from './private/paging.ts';
import { passwordPolicy } from './private/password-policy.ts';
import { requestScope } from './private/request.ts';
import { clientWriteAttributes, declaredAttributes } from './private/schema.ts';
import { signIn } from './private/sign-in.ts';
import { accessTokens, loadSigningKey, type SigningKey, signedWith } from './private/tokens.ts';
import { poolTriggers } from './private/triggers.ts';
import { UsernameConfigurationFactory, usernameExists } from './private/usernames.ts';

export interface CognitoOptions extends LocalServiceOptions {
  /** Function name → handler, for the function ARNs in user pools' LambdaConfig. */
  readonly triggers?: Readonly<Record<string, LambdaHandler>>;
}

/**
 * AWS refuses a pool that keeps the original value of an attribute until it is verified
 * (UserAttributeUpdateSettings) without verifying that attribute automatically: InvalidParameterException
 * "All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes"
 * (quoted from an AWS CLI issue, aws/aws-cli#7151). cognito-local accepts it.
 */
function checkUpdateSettings(req: Record<string, unknown>): void {
  const settings = req.UserAttributeUpdateSettings as
    | { AttributesRequireVerificationBeforeUpdate?: unknown }
    | undefined;
  const required = Array.isArray(settings?.AttributesRequireVerificationBeforeUpdate)
    ? (settings.AttributesRequireVerificationBeforeUpdate as unknown[])
    : [];
  const verified = Array.isArray(req.AutoVerifiedAttributes) ? (req.AutoVerifiedAttributes as unknown[]) : [];
  if (required.some((attribute) => !verified.includes(attribute))) {
    throw new InvalidParameterError(
      'All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes',
    );
  }
}

export async function startCognito(options: CognitoOptions): Promise<LocalService> {
  const log = options.log ?? (() => {});
  const logger = pinoLogger(log);
  const ctx: Context = { logger };
  await mkdir(options.dataDir, { recursive: true });
  const key = await loadSigningKey(options.dataDir);

  const clock = new DateClock();
  const stores = new StormDBDataStoreFactory(options.dataDir);
  const cognito = await new CognitoServiceFactoryImpl(
    options.dataDir,
    stores,
    new UsernameConfigurationFactory(new UserPoolServiceFactoryImpl(clock, stores)),
  ).create(ctx, {}); // no pool defaults: cognito-local's own make every pool email-as-username
  const triggers = poolTriggers(
    options.triggers ?? {},
    options.region ?? 'us-east-1',
    options.account ?? '111111111111',
    log,
  );
  const triggerService = new TriggersService(
    clock,
    cognito,
    new LambdaService(triggers.table, triggers.client),
    new CryptoService(),
  );
  // The issuer is only known once listening; the generator reads it when it signs a token.
  const tokenConfig: TokenConfig = {};
  const sender = {
    sendEmail: async (_ctx: Context, _user: unknown, destination: string) =>
      log(`cognito: email to ${destination}`),
    sendSms: async (_ctx: Context, _user: unknown, destination: string) =>
      log(`cognito: SMS to ${destination}`),
  };
  const services = {
    clock,
    cognito,
    config: {
      LambdaClient: {},
      TriggerFunctions: {},
      UserPoolDefaults: {},
      ServerConfig: { development: false },
      TokenConfig: tokenConfig,
    },
    messages: new MessagesService(triggerService, new MessageDeliveryService(sender)),
    otp,
    tokenGenerator: signedWith(key, new JwtTokenGenerator(clock, triggerService, tokenConfig)),
    triggers: triggerService,
  };
  const inner = Router(services);
  // SignUp in a pool that verifies nothing: no confirmation code is made or stored. cognito-local
  // saves `ConfirmationCode: otp()`; undefined leaves the field out of the stored user.
  const withoutCodes = Router({ ...services, otp: (() => undefined) as unknown as typeof otp });
  const replaced = pagedTargets(cognito);
  const guards: readonly Guard[] = [
    accessTokens(key, () => tokenConfig.IssuerDomain ?? ''),
    // Before the session is redeemed: a password the policy refuses leaves the challenge open.
    passwordPolicy,
    signIn(clock),
    clientWriteAttributes,
    declaredAttributes,
    confirmation,
    usernameExists,
    createGroup,
  ];
  const router = (target: string) => async (requestCtx: Context, req: Record<string, unknown>) => {
    if (target === 'CreateUserPool' || target === 'UpdateUserPool') checkUpdateSettings(req);
    // AWS reads an empty AutoVerifiedAttributes as "verify nothing"; cognito-local would then
    // refuse every SignUp ("User has no attribute matching desired auto verified attributes").
    if (
      (target === 'CreateUserPool' || target === 'UpdateUserPool') &&
      Array.isArray(req.AutoVerifiedAttributes) &&
      req.AutoVerifiedAttributes.length === 0
    ) {
      delete req.AutoVerifiedAttributes;
    }
    const scope = await requestScope(requestCtx, cognito, req);
    const { pool } = scope;
    const route =
      replaced.get(target) ??
      (target === 'SignUp' && pool && !verifiesAutomatically(pool) ? withoutCodes : inner)(target);
    return triggers.run({ ...pool?.options.LambdaConfig }, () =>
      runGuards(guards, { ...scope, target, ctx: requestCtx, req }, () => route(requestCtx, req)),
    );
  };
  // Without `services` cognito-local attaches no /oauth2 routes (its hosted UI).
  const app = createServer(router, logger, services.config.ServerConfig).application as (
    request: IncomingMessage,
    response: ServerResponse,
  ) => void;
  const listening = await listen(
    createHttpServer((request, response) => {
      if (!wellKnown(request, response, key, tokenConfig.IssuerDomain ?? '', ctx, cognito))
        app(request, response);
    }),
    options,
  );
  tokenConfig.IssuerDomain = listening.endpoint;
  return { id: 'COGNITO_IDENTITY_PROVIDER', endpoint: listening.endpoint, close: listening.stop };
}

/**
 * `/<poolId>/.well-known/jwks.json` (this data directory's public key) and
 * `/<poolId>/.well-known/openid-configuration`, for the pools that exist. Answers whether it
 * answered the request.
 */
function wellKnown(
  request: IncomingMessage,
  response: ServerResponse,
  key: SigningKey,
  endpoint: string,
  ctx: Context,
  cognito: { getUserPool(ctx: Context, id: string): Promise<unknown> },
): boolean {
  const found = /^\/([^/]+)\/\.well-known\/(jwks\.json|openid-configuration)$/.exec(
    new URL(request.url ?? '/', 'http://localhost').pathname,
  );
  if (!found || request.method !== 'GET') return false;
  const [, poolId = '', document] = found;
  const issuer = `${endpoint}/${poolId}`;
  const body =
    document === 'jwks.json'
      ? { keys: [key.jwk] }
      : {
          issuer,
          jwks_uri: `${issuer}/.well-known/jwks.json`,
          id_token_signing_alg_values_supported: ['RS256'],
        };
  // getUserPool throws (rather than rejects) for a pool that does not exist.
  Promise.resolve()
    .then(() => cognito.getUserPool(ctx, poolId))
    .then(
      () => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      },
      () => {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ message: `User pool ${poolId} does not exist.` }));
      },
    );
  return true;
}
