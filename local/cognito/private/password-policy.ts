/**
 * The user pool's password policy, applied wherever AWS applies it: SignUp, AdminCreateUser's
 * TemporaryPassword, AdminSetUserPassword, ChangePassword, ConfirmForgotPassword and the
 * NEW_PASSWORD_REQUIRED answer of RespondToAuthChallenge (cognito-local stores any password).
 * AWS answers InvalidPasswordException "Password did not conform with policy: <first rule
 * broken>". A pool without a policy (UpdateUserPool without Policies resets it) has AWS's
 * default: 8 characters, upper case, lower case, numbers and symbols.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html
 */
import { CognitoError } from 'cognito-local/lib/errors.js';
import { USER_POOL_AWS_DEFAULTS } from 'cognito-local/lib/services/cognitoService.js';
import type { UserPoolService } from 'cognito-local/lib/services/userPoolService.js';
import type { Guard } from './guard.ts';

/** The characters Cognito counts as symbols; a space counts too, but not first or last. */
const SYMBOLS = new Set('^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+-');

export const passwordPolicy: Guard = async (call, next) => {
  const password = newPassword(call.target, call.req);
  if (password !== undefined && call.pool) checkPassword(call.pool, password);
  return next();
};

/** The password a request sets, if it sets one. */
function newPassword(target: string, req: Record<string, unknown>): string | undefined {
  const value = (() => {
    switch (target) {
      case 'SignUp':
      case 'AdminSetUserPassword':
      case 'ConfirmForgotPassword':
        return req.Password;
      case 'AdminCreateUser':
        return req.TemporaryPassword;
      case 'ChangePassword':
        return req.ProposedPassword;
      case 'RespondToAuthChallenge':
        return req.ChallengeName === 'NEW_PASSWORD_REQUIRED'
          ? (req.ChallengeResponses as Record<string, unknown> | undefined)?.NEW_PASSWORD
          : undefined;
      default:
        return undefined;
    }
  })();
  return typeof value === 'string' ? value : undefined;
}

function checkPassword(pool: UserPoolService, password: string): void {
  const policy =
    pool.options.Policies?.PasswordPolicy ?? USER_POOL_AWS_DEFAULTS.Policies?.PasswordPolicy ?? {};
  const characters = [...password];
  const rules: readonly [boolean, string][] = [
    [characters.length < (policy.MinimumLength ?? 8), 'Password not long enough'],
    [!!policy.RequireUppercase && !/[A-Z]/.test(password), 'Password must have uppercase characters'],
    [!!policy.RequireLowercase && !/[a-z]/.test(password), 'Password must have lowercase characters'],
    [!!policy.RequireNumbers && !/[0-9]/.test(password), 'Password must have numeric characters'],
    [!!policy.RequireSymbols && !characters.some(isSymbol), 'Password must have symbol characters'],
  ];
  const broken = rules.find(([failed]) => failed)?.[1];
  if (broken !== undefined) {
    throw new CognitoError('InvalidPasswordException', `Password did not conform with policy: ${broken}`);
  }
}

function isSymbol(character: string, index: number, all: readonly string[]): boolean {
  return character === ' ' ? index > 0 && index < all.length - 1 : SYMBOLS.has(character);
}
