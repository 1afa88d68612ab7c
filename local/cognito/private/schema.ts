/**
 * Which attributes a request may write.
 *
 * - The pool's schema: SignUp and AdminCreateUser may set only attributes it declares
 *   (cognito-local stores them silently, so a typo in `custom:` would pass locally and fail on
 *   AWS). AWS's message lists one line per attribute: "Attributes did not conform to the schema:
 *   custom:x: Attribute does not exist in the schema.\n"
 * - The app client's WriteAttributes: SignUp, UpdateUserAttributes and DeleteUserAttributes may
 *   write only what the client lists (all attributes when it lists none), and never `sub`; AWS
 *   answers NotAuthorizedException "A client attempted to write unauthorized attribute".
 *   cognito-local does not check it. Immutable attributes (Mutable false) are refused on update
 *   by cognito-local itself, as AWS refuses them: InvalidParameterException
 *   "user.custom:x: Attribute cannot be updated. (changing an immutable attribute)".
 */
import { InvalidParameterError, NotAuthorizedError } from 'cognito-local/lib/errors.js';
import type { Guard } from './guard.ts';

export const declaredAttributes: Guard = async ({ target, pool, req }, next) => {
  if (pool && (target === 'SignUp' || target === 'AdminCreateUser')) {
    const declared = new Set((pool.options.SchemaAttributes ?? []).map((attribute) => attribute.Name));
    const undeclared = names(req.UserAttributes).filter((name) => name === undefined || !declared.has(name));
    if (undeclared.length > 0) {
      const lines = undeclared.map((name) => `${name}: Attribute does not exist in the schema.\n`).join('');
      throw new InvalidParameterError(`Attributes did not conform to the schema: ${lines}`);
    }
  }
  return next();
};

export const clientWriteAttributes: Guard = async ({ target, client, req }, next) => {
  const written =
    target === 'SignUp' || target === 'UpdateUserAttributes'
      ? names(req.UserAttributes)
      : target === 'DeleteUserAttributes'
        ? (req.UserAttributeNames as unknown[] | undefined)?.map((name) =>
            typeof name === 'string' ? name : undefined,
          )
        : undefined;
  if (client && written) {
    const allowed = client.WriteAttributes ?? [];
    const unauthorized = written.some(
      (name) => name === 'sub' || (allowed.length > 0 && (name === undefined || !allowed.includes(name))),
    );
    if (unauthorized) throw new NotAuthorizedError('A client attempted to write unauthorized attribute');
  }
  return next();
};

function names(attributes: unknown): (string | undefined)[] {
  return Array.isArray(attributes)
    ? attributes.map((attribute: { Name?: unknown }) =>
        typeof attribute?.Name === 'string' ? attribute.Name : undefined,
      )
    : [];
}
