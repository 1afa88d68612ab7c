/**
 * CreateGroup as AWS answers it. cognito-local saves whatever it is given, and over an existing
 * group, so a second CreateGroup dropped every member of the first. AWS checks the members'
 * constraints (GroupName: 1 to 128 characters of the pattern below; Description at most 2048;
 * Precedence at least 0) and answers GroupExistsException "A group with the name already
 * exists." when the pool has the group, leaving it and its members as they are. Group names are
 * unique regardless of case on AWS (renaming "ADMINS" to "Admins" is refused as a duplicate),
 * so the existing group is looked up that way.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html
 */
import { CognitoError } from 'cognito-local/lib/errors.js';
import type { Guard } from './guard.ts';
import { type Violation, validationError } from './validation.ts';

const NAME_PATTERN = '[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+';
const NAME = new RegExp(`^${NAME_PATTERN}$`, 'u');

export const createGroup: Guard = async (call, next) => {
  if (call.target !== 'CreateGroup') return next();
  const { GroupName: name, Description: description, Precedence: precedence } = call.req;
  const violations: Violation[] = [];
  if (typeof name !== 'string') {
    violations.push({ member: 'groupName', value: null, constraint: 'Member must not be null' });
  } else {
    // Lengths in UTF-16 code units, as the service (Java) counts them.
    if (name.length < 1) {
      violations.push({
        member: 'groupName',
        value: name,
        constraint: 'Member must have length greater than or equal to 1',
      });
    }
    if (name.length > 128) {
      violations.push({
        member: 'groupName',
        value: name,
        constraint: 'Member must have length less than or equal to 128',
      });
    }
    if (!NAME.test(name)) {
      violations.push({
        member: 'groupName',
        value: name,
        constraint: `Member must satisfy regular expression pattern: ${NAME_PATTERN}`,
      });
    }
  }
  if (typeof description === 'string' && description.length > 2048) {
    violations.push({
      member: 'description',
      value: description,
      constraint: 'Member must have length less than or equal to 2048',
    });
  }
  if (typeof precedence === 'number' && precedence < 0) {
    violations.push({
      member: 'precedence',
      value: precedence,
      constraint: 'Member must have value greater than or equal to 0',
    });
  }
  if (violations.length > 0) throw validationError(violations);
  const wanted = String(name).toLowerCase();
  const groups = call.pool ? await call.pool.listGroups(call.ctx) : [];
  if (groups.some((group) => group.GroupName.toLowerCase() === wanted)) {
    throw new CognitoError('GroupExistsException', 'A group with the name already exists.');
  }
  return next();
};
