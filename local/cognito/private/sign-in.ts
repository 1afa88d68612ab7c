/**
 * Signing in as AWS allows it. cognito-local:
 *
 * - accepts any AuthFlow whatever the app client's ExplicitAuthFlows say. AWS refuses a flow the
 *   client does not allow: InvalidParameterException "USER_PASSWORD_AUTH flow not enabled for
 *   this client". A client that lists none allows SRP, custom auth and refresh tokens.
 * - answers a user in FORCE_CHANGE_PASSWORD with the NEW_PASSWORD_REQUIRED challenge before it
 *   compares the password, and signs in a disabled user. AWS compares the password first
 *   (NotAuthorizedException "Incorrect username or password.") and refuses a disabled user
 *   (NotAuthorizedException "User is disabled."). An unknown user is UserNotFoundException "User
 *   does not exist.", or "Incorrect username or password." when the client prevents user
 *   existence errors.
 * - takes any string as the Session of RespondToAuthChallenge, so anyone could answer
 *   NEW_PASSWORD_REQUIRED for any user and get their tokens. Here a challenge's Session is a
 *   random value bound to the user, the challenge and the pool, valid once and for 3 minutes
 *   (AWS's default AuthSessionValidity); otherwise NotAuthorizedException "Invalid session for
 *   the user." (", session is expired." / ", session can only be used once." as AWS words them).
 *   Sessions are kept in memory: a restart ends them, as a sign-in that waits 3 minutes would.
 */
import { randomBytes } from 'node:crypto';
import { InvalidParameterError, NotAuthorizedError, UserNotFoundError } from 'cognito-local/lib/errors.js';
import type { AppClient } from 'cognito-local/lib/services/appClient.js';
import type { Clock } from 'cognito-local/lib/services/clock.js';
import type { Call, Guard } from './guard.ts';

const SESSION_MS = 3 * 60 * 1000;

/** What a client that lists no ExplicitAuthFlows allows. */
const DEFAULT_FLOWS = ['ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];

/** The ExplicitAuthFlows values, current and legacy, that allow each InitiateAuth AuthFlow. */
const ALLOWED_BY: Readonly<Record<string, readonly string[]>> = {
  USER_PASSWORD_AUTH: ['ALLOW_USER_PASSWORD_AUTH', 'USER_PASSWORD_AUTH'],
  USER_SRP_AUTH: ['ALLOW_USER_SRP_AUTH'],
  CUSTOM_AUTH: ['ALLOW_CUSTOM_AUTH', 'CUSTOM_AUTH_FLOW_ONLY'],
  REFRESH_TOKEN_AUTH: ['ALLOW_REFRESH_TOKEN_AUTH'],
  REFRESH_TOKEN: ['ALLOW_REFRESH_TOKEN_AUTH'],
};

interface Session {
  readonly poolId: string;
  readonly username: string;
  readonly challenge: string;
  readonly expires: number;
}

export function signIn(clock: Clock): Guard {
  const sessions = new Map<string, Session | 'used'>();

  /** Gives a challenge answer a Session of its own, bound to the user it was issued for. */
  const issue = (call: Call, result: unknown): unknown => {
    const answer = result as { ChallengeName?: string; ChallengeParameters?: Record<string, string> };
    const username = answer?.ChallengeParameters?.USER_ID_FOR_SRP;
    const poolId = call.pool?.options.Id;
    if (!answer?.ChallengeName || username === undefined || poolId === undefined) return result;
    const now = clock.get().getTime();
    for (const [id, session] of sessions) {
      if (session === 'used' || session.expires <= now) sessions.delete(id);
    }
    const id = randomBytes(32).toString('base64url');
    sessions.set(id, { poolId, username, challenge: answer.ChallengeName, expires: now + SESSION_MS });
    return { ...answer, Session: id };
  };

  const redeem = async ({ ctx, pool, req }: Call): Promise<void> => {
    const id = typeof req.Session === 'string' ? req.Session : '';
    const session = sessions.get(id);
    if (session === 'used') {
      throw new NotAuthorizedError('Invalid session for the user, session can only be used once.');
    }
    if (session === undefined) throw new NotAuthorizedError('Invalid session for the user.');
    sessions.set(id, 'used');
    if (session.expires <= clock.get().getTime()) {
      throw new NotAuthorizedError('Invalid session for the user, session is expired.');
    }
    const named = (req.ChallengeResponses as Record<string, unknown> | undefined)?.USERNAME;
    const user = pool && typeof named === 'string' ? await pool.getUserByUsername(ctx, named) : null;
    if (
      pool?.options.Id !== session.poolId ||
      req.ChallengeName !== session.challenge ||
      user?.Username !== session.username
    ) {
      throw new NotAuthorizedError('Invalid session for the user.');
    }
  };

  return async (call, next) => {
    switch (call.target) {
      case 'InitiateAuth':
        checkFlow(call.client, call.req.AuthFlow);
        await checkCredentials(call);
        return issue(call, await next());
      case 'RespondToAuthChallenge':
        await redeem(call);
        return issue(call, await next());
      default:
        return next();
    }
  };
}

function checkFlow(client: AppClient | undefined, flow: unknown): void {
  if (!client || typeof flow !== 'string') return;
  const allowed = client.ExplicitAuthFlows?.length ? client.ExplicitAuthFlows : DEFAULT_FLOWS;
  if (!(ALLOWED_BY[flow] ?? []).some((value) => allowed.includes(value))) {
    throw new InvalidParameterError(
      flow === 'USER_PASSWORD_AUTH'
        ? 'USER_PASSWORD_AUTH flow not enabled for this client'
        : 'Auth flow not enabled for this client',
    );
  }
}

async function checkCredentials({ ctx, pool, client, req }: Call): Promise<void> {
  const parameters = req.AuthParameters as Record<string, unknown> | undefined;
  const username = parameters?.USERNAME;
  if (req.AuthFlow !== 'USER_PASSWORD_AUTH' || !pool || typeof username !== 'string') return;
  const user = await pool.getUserByUsername(ctx, username);
  if (!user) {
    if (pool.options.LambdaConfig?.UserMigration) return; // cognito-local runs the trigger
    if (client?.PreventUserExistenceErrors === 'ENABLED') {
      throw new NotAuthorizedError('Incorrect username or password.');
    }
    throw new UserNotFoundError('User does not exist.');
  }
  if (user.Password !== parameters?.PASSWORD) throw new NotAuthorizedError('Incorrect username or password.');
  if (!user.Enabled) throw new NotAuthorizedError('User is disabled.');
}
