/**
 * cognito-local in process, assembled as its `createDefaultServer` does but with the data under
 * `options.dataDir`, a free loopback port, triggers from each pool's LambdaConfig run in process
 * (private/triggers.ts), undeclared attributes rejected (private/schema.ts), and no message
 * sender that prints codes or temporary passwords. AdminListGroupsForUser and ListUsers are
 * answered as AWS answers them, by username or alias and in pages (private/paging.ts).
 */
import { mkdir } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
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
import { pinoLogger } from './private/logger.ts';
import { pagedTargets } from './private/paging.ts';
import { requestPool } from './private/request.ts';
import { checkDeclaredAttributes } from './private/schema.ts';
import { poolTriggers } from './private/triggers.ts';

export interface CognitoOptions extends LocalServiceOptions {
  /** Function name → handler, for the function ARNs in user pools' LambdaConfig. */
  readonly triggers?: Readonly<Record<string, LambdaHandler>>;
}

/** Targets whose attributes AWS checks against the pool's schema. */
const CHECKED = new Set(['SignUp', 'AdminCreateUser']);

export async function startCognito(options: CognitoOptions): Promise<LocalService> {
  const log = options.log ?? (() => {});
  const logger = pinoLogger(log);
  const ctx: Context = { logger };
  await mkdir(options.dataDir, { recursive: true });

  const clock = new DateClock();
  const stores = new StormDBDataStoreFactory(options.dataDir);
  const cognito = await new CognitoServiceFactoryImpl(
    options.dataDir,
    stores,
    new UserPoolServiceFactoryImpl(clock, stores),
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
    tokenGenerator: new JwtTokenGenerator(clock, triggerService, tokenConfig),
    triggers: triggerService,
  };
  const inner = Router(services);
  const replaced = pagedTargets(cognito);
  const router = (target: string) => {
    const route = replaced.get(target) ?? inner(target);
    return async (requestCtx: Context, req: Record<string, unknown>) => {
      // AWS reads an empty AutoVerifiedAttributes as "verify nothing"; cognito-local would then
      // refuse every SignUp ("User has no attribute matching desired auto verified attributes").
      if (
        (target === 'CreateUserPool' || target === 'UpdateUserPool') &&
        Array.isArray(req.AutoVerifiedAttributes) &&
        req.AutoVerifiedAttributes.length === 0
      ) {
        delete req.AutoVerifiedAttributes;
      }
      const pool = await requestPool(requestCtx, cognito, req);
      if (pool && CHECKED.has(target)) {
        checkDeclaredAttributes(pool, req.UserAttributes as { Name?: string }[] | undefined);
      }
      return triggers.run({ ...pool?.options.LambdaConfig }, () => route(requestCtx, req));
    };
  };
  const app = createServer(router, logger, services.config.ServerConfig, services).application;
  const listening = await listen(createHttpServer(app), options);
  tokenConfig.IssuerDomain = listening.endpoint;
  return { id: 'COGNITO_IDENTITY_PROVIDER', endpoint: listening.endpoint, close: listening.stop };
}
