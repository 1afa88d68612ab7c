/**
 * Two targets cognito-local answers differently from AWS, replaced here:
 *
 * - AdminListGroupsForUser: cognito-local resolves the user by username or alias but then
 *   matches group members (which hold the stored username, the `sub` in an email-as-username
 *   pool) against the name as requested, so an alias such as the email finds no groups. Here the
 *   groups are those holding the resolved user's own username, paged by Limit/NextToken.
 * - ListUsers: cognito-local ignores Limit and never paginates. Here the (Filter-matched, as
 *   cognito-local matches them) users are paged by Limit (1..60, default 60) and an opaque
 *   PaginationToken.
 *
 * A page is ordered by name and its token holds the last name it answered, so a page after it
 * starts after that name even when users or groups were added or removed in between.
 */
import { InvalidParameterError, UserNotFoundError } from 'cognito-local/lib/errors.js';
import type { CognitoService } from 'cognito-local/lib/services/cognitoService.js';
import type { Context } from 'cognito-local/lib/services/context.js';
import { groupToResponseObject, userToResponseObject } from 'cognito-local/lib/targets/responses.js';
import { validationError } from './validation.ts';

type Request = Record<string, unknown>;
type Target = (ctx: Context, req: Request) => Promise<unknown>;

/** AWS's maximum (and ListUsers' default) page size for both operations. */
const MAX_LIMIT = 60;

export function pagedTargets(cognito: CognitoService): ReadonlyMap<string, Target> {
  const adminListGroupsForUser: Target = async (ctx, req) => {
    const poolId = String(req.UserPoolId);
    const limit = pageLimit(req.Limit, 'limit', 0);
    const userPool = await cognito.getUserPool(ctx, poolId);
    const user = await userPool.getUserByUsername(ctx, String(req.Username ?? ''));
    if (!user) throw new UserNotFoundError('User does not exist.');
    const groups = (await userPool.listGroups(ctx)).filter((group) => group.members?.includes(user.Username));
    const page = pageOf(
      groups,
      (group) => group.GroupName,
      limit,
      req.NextToken,
      `${poolId}/groups/${user.Username}`,
    );
    return {
      Groups: page.items.map(groupToResponseObject(poolId)),
      ...(page.next !== undefined && { NextToken: page.next }),
    };
  };
  const listUsers: Target = async (ctx, req) => {
    const poolId = String(req.UserPoolId);
    const limit = pageLimit(req.Limit, 'limit', 1);
    const userPool = await cognito.getUserPool(ctx, poolId);
    const filter = typeof req.Filter === 'string' ? req.Filter : undefined;
    const users = await userPool.listUsers(ctx, filter);
    const page = pageOf(
      users,
      (user) => user.Username,
      limit,
      req.PaginationToken,
      `${poolId}/users/${filter ?? ''}`,
    );
    return {
      Users: page.items.map(userToResponseObject),
      ...(page.next !== undefined && { PaginationToken: page.next }),
    };
  };
  return new Map([
    ['AdminListGroupsForUser', adminListGroupsForUser],
    ['ListUsers', listUsers],
  ]);
}

/** The requested page size, checked as AWS checks it; 0 (groups only) means the default. */
function pageLimit(value: unknown, member: string, min: number): number {
  if (value === undefined || value === null) return MAX_LIMIT;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_LIMIT) {
    const bound =
      typeof value === 'number' && value < min
        ? `greater than or equal to ${min}`
        : `less than or equal to ${MAX_LIMIT}`;
    throw validationError([{ member, value, constraint: `Member must have value ${bound}` }]);
  }
  return value === 0 ? MAX_LIMIT : value;
}

interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | undefined;
}

/**
 * The page after the token's position. The token is base64url JSON of the listing it belongs to
 * (`scope`) and the last name answered; a token of another listing is rejected as AWS does.
 */
function pageOf<T>(
  all: readonly T[],
  name: (item: T) => string,
  limit: number,
  token: unknown,
  scope: string,
): Page<T> {
  const sorted = [...all].sort((a, b) => compare(name(a), name(b)));
  const after = token === undefined || token === null || token === '' ? undefined : readToken(token, scope);
  const rest = after === undefined ? sorted : sorted.filter((item) => compare(name(item), after) > 0);
  const items = rest.slice(0, limit);
  const last = items.at(-1);
  const next = rest.length > limit && last !== undefined ? writeToken(scope, name(last)) : undefined;
  return { items, next };
}

/** Code-unit order: stable and independent of the locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function writeToken(scope: string, after: string): string {
  return Buffer.from(JSON.stringify({ s: scope, a: after }), 'utf8').toString('base64url');
}

function readToken(token: unknown, scope: string): string {
  if (typeof token === 'string') {
    try {
      const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
      if (typeof parsed === 'object' && parsed !== null) {
        const { s, a } = parsed as { s?: unknown; a?: unknown };
        if (s === scope && typeof a === 'string') return a;
      }
    } catch {
      // falls through to the error
    }
  }
  throw new InvalidParameterError('Invalid pagination token.');
}
