/**
 * AWS's answer to a request member outside its modelled constraints: InvalidParameterException
 * "1 validation error detected: Value 'x' at 'groupName' failed to satisfy constraint: Member
 * must have length less than or equal to 128", the violations joined with "; " and counted
 * ("2 validation errors detected: ...").
 */
import { InvalidParameterError } from 'cognito-local/lib/errors.js';

export interface Violation {
  /** The member as AWS names it in the message: lower camel case, e.g. `groupName`. */
  readonly member: string;
  /** The value received; null when it is missing (AWS writes "Value null"). */
  readonly value: unknown;
  /** e.g. "Member must have length less than or equal to 128". */
  readonly constraint: string;
}

export function validationError(violations: readonly Violation[]): InvalidParameterError {
  const count = `${violations.length} validation error${violations.length === 1 ? '' : 's'} detected`;
  const each = violations.map(
    ({ member, value, constraint }) =>
      `Value ${value === null || value === undefined ? 'null' : `'${String(value)}'`} at '${member}' failed to satisfy constraint: ${constraint}`,
  );
  return new InvalidParameterError(`${count}: ${each.join('; ')}`);
}
