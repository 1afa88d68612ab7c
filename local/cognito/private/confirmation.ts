/**
 * Codes that confirm a sign-up or reset a password, as AWS issues them.
 *
 * A pool whose AutoVerifiedAttributes is empty sends no code at sign-up, so on AWS nobody
 * confirms themselves: an admin does (AdminConfirmSignUp). cognito-local makes and stores a code
 * for every SignUp all the same (and would answer it); server.ts routes such a SignUp to a
 * target that makes none, ConfirmSignUp is answered ExpiredCodeException "Invalid code provided,
 * please request a code again." whatever code is sent (also for codes stored before this check),
 * and ResendConfirmationCode InvalidParameterException "Cannot resend codes. Auto verification
 * not turned on.".
 *
 * ForgotPassword sends its code to a verified email address or phone number, and AWS refuses it
 * without one: InvalidParameterException "Cannot reset password for the user as there is no
 * registered/verified email or phone_number" (cognito-local sends the code to any email, and
 * ConfirmForgotPassword then confirms the user, so an unconfirmed user could confirm
 * themselves). ConfirmForgotPassword needs that code: without one pending, ExpiredCodeException.
 */
import { ExpiredCodeError, InvalidParameterError } from 'cognito-local/lib/errors.js';
import {
  attributeValue,
  type User,
  type UserPoolService,
} from 'cognito-local/lib/services/userPoolService.js';
import type { Call, Guard } from './guard.ts';

/** Whether Cognito sends codes to confirm sign-ups in this pool. */
export function verifiesAutomatically(pool: UserPoolService): boolean {
  return (pool.options.AutoVerifiedAttributes ?? []).length > 0;
}

export const confirmation: Guard = async (call, next) => {
  const { target, pool } = call;
  if (!pool) return next();
  switch (target) {
    case 'ResendConfirmationCode':
      if (!verifiesAutomatically(pool)) {
        throw new InvalidParameterError('Cannot resend codes. Auto verification not turned on.');
      }
      return next();
    case 'ConfirmSignUp':
      if (!verifiesAutomatically(pool) && (await user(call))) throw new ExpiredCodeError();
      return next();
    case 'ForgotPassword': {
      const found = await user(call);
      if (found && !hasVerifiedContact(found)) {
        throw new InvalidParameterError(
          'Cannot reset password for the user as there is no registered/verified email or phone_number',
        );
      }
      return next();
    }
    case 'ConfirmForgotPassword': {
      const found = await user(call);
      if (found && (!hasVerifiedContact(found) || !found.ConfirmationCode)) throw new ExpiredCodeError();
      return next();
    }
    default:
      return next();
  }
};

async function user({ ctx, pool, req }: Call): Promise<User | null> {
  return typeof req.Username === 'string' && pool ? pool.getUserByUsername(ctx, req.Username) : null;
}

function hasVerifiedContact(user: User): boolean {
  const verified = (attribute: string) =>
    attributeValue(attribute, user.Attributes) !== undefined &&
    attributeValue(`${attribute}_verified`, user.Attributes) === 'true';
  return verified('email') || verified('phone_number');
}
