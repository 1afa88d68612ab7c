/**
 * User names as the pool's UsernameConfiguration says. With `CaseSensitive: false`,
 * `ADMIN@ACME.EXAMPLE` and `admin@acme.example` name one user, for the user name and for the
 * email or phone alias; a pool without UsernameConfiguration is case-sensitive, AWS's default.
 * cognito-local compares exactly. With UsernameAttributes ['email'] it stores a user under a
 * UUID (its `sub`) and finds them by that key, by `sub`, or by an exactly equal `email`
 * attribute; here the same lookups ignore case when the pool says so.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-case-sensitivity.html
 *
 * A user name taken is answered with AWS's texts: SignUp in an email-as-username pool "An account
 * with the given email already exists.", AdminCreateUser "User account already exists", SignUp
 * otherwise "User already exists".
 */
import { CognitoError, UsernameExistsError } from 'cognito-local/lib/errors.js';
import type { Context } from 'cognito-local/lib/services/context.js';
import type { DataStore } from 'cognito-local/lib/services/dataStore/dataStore.js';
import {
  attributeValue,
  type User,
  type UserPoolService,
  type UserPoolServiceFactory,
} from 'cognito-local/lib/services/userPoolService.js';
import type { Guard } from './guard.ts';

type UserPool = UserPoolService['options'];

/** Makes each pool's user lookups follow its UsernameConfiguration. */
export class UsernameConfigurationFactory implements UserPoolServiceFactory {
  constructor(private readonly inner: UserPoolServiceFactory) {}

  async create(ctx: Context, clients: DataStore, defaults: UserPool): Promise<UserPoolService> {
    const pool = await this.inner.create(ctx, clients, defaults);
    const exactly = pool.getUserByUsername.bind(pool);
    pool.getUserByUsername = async (lookupCtx, username) => {
      const found = await exactly(lookupCtx, username);
      if (found || pool.options.UsernameConfiguration?.CaseSensitive !== false) return found;
      return (await pool.listUsers(lookupCtx)).find((user) => named(pool.options, user, username)) ?? null;
    };
    return pool;
  }
}

/** Whether `name` names `user`, ignoring case: the user name, `sub`, or an alias the pool allows. */
function named(options: UserPool, user: User, name: string): boolean {
  const wanted = name.toLowerCase();
  const aliases = options.UsernameAttributes ?? [];
  const candidates = [
    user.Username,
    attributeValue('sub', user.Attributes),
    ...aliases.map((alias) => attributeValue(alias, user.Attributes)),
  ];
  return candidates.some((candidate) => candidate !== undefined && candidate.toLowerCase() === wanted);
}

export const usernameExists: Guard = async (call, next) => {
  if (call.target !== 'SignUp' && call.target !== 'AdminCreateUser') return next();
  try {
    return await next();
  } catch (error) {
    if (!(error instanceof UsernameExistsError)) throw error;
    if (call.target === 'AdminCreateUser') {
      throw new CognitoError('UsernameExistsException', 'User account already exists');
    }
    if (call.pool?.options.UsernameAttributes?.includes('email')) {
      throw new CognitoError('UsernameExistsException', 'An account with the given email already exists.');
    }
    throw error; // SignUp by user name: cognito-local's "User already exists", as AWS words it.
  }
};
