/**
 * Rejects attributes the user pool's schema does not declare, as AWS does for SignUp and
 * AdminCreateUser (cognito-local stores them silently, so a typo in `custom:` would pass locally
 * and fail on AWS). AWS's message lists one line per attribute:
 * "Attributes did not conform to the schema: custom:x: Attribute does not exist in the schema.\n"
 */
import { InvalidParameterError } from 'cognito-local/lib/errors.js';
import type { UserPoolService } from 'cognito-local/lib/services/userPoolService.js';

export function checkDeclaredAttributes(
  pool: UserPoolService,
  attributes: readonly { Name?: string }[] | undefined,
): void {
  const declared = new Set((pool.options.SchemaAttributes ?? []).map((attribute) => attribute.Name));
  const undeclared = (attributes ?? [])
    .map((attribute) => attribute.Name)
    .filter((name) => name === undefined || !declared.has(name));
  if (undeclared.length === 0) return;
  const lines = undeclared.map((name) => `${name}: Attribute does not exist in the schema.\n`).join('');
  throw new InvalidParameterError(`Attributes did not conform to the schema: ${lines}`);
}
