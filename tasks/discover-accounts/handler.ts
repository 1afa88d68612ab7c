/**
 * API B of the provider, for the discovery workflow: a session opened with the connection's
 * refresh token (under the connection's lock, so no refresh rotates it meanwhile; the session
 * does not consume it), then every page of the user's accounts, each normalised: usable ones
 * ACTIVE; suspended, closed and those without access SKIPPED with the reason. Reads the tokens
 * from SSM itself and returns records only.
 */
import { z } from 'zod';
import { callApi, errorCode } from '../shared/oauth/api.ts';
import { type DiscoveryDependencies, discoveryDependencies } from '../shared/oauth/discovery-deps.ts';
import { ProviderError, ReconnectRequired } from '../shared/oauth/errors.ts';
import { collectRecords, type Page, parsePage } from '../shared/oauth/paging.ts';
import {
  bounded,
  DiscoveryInput,
  type DiscoveryResult,
  type ResourceRecord,
  record,
  usableId,
} from '../shared/oauth/resources.ts';

const Session = z.object({ session_token: z.string().min(1).max(2048) });

const text = (value: unknown, max: number) => (typeof value === 'string' ? bounded(value, max) : '');

const SKIPPED_STATUS: Record<string, string> = {
  SUSPENDED: 'Suspended at the provider.',
  CLOSED: 'Closed at the provider.',
};

/** An account as the app keeps it; undefined when its id cannot be keyed on. */
export function normaliseAccount(account: Record<string, unknown>): ResourceRecord | undefined {
  const id = usableId(account.accountId);
  if (!id) return undefined;
  const status = text(account.status, 40);
  const access = text(account.access, 40);
  const skipReason =
    SKIPPED_STATUS[status] ??
    (access === 'NONE' || access === ''
      ? 'You have no access to this account.'
      : status !== 'ENABLED'
        ? `The provider reports it as ${status || 'without a status'}.`
        : undefined);
  return record({
    resourceId: `account:${id}`,
    source: 'accounts',
    kind: 'account',
    name: text(account.displayName, 200),
    status: skipReason ? 'SKIPPED' : 'ACTIVE',
    ...(skipReason ? { skipReason } : {}),
    attributes: { status, access, currency: text(account.currency, 8) },
  });
}

/** API B's session, from the refresh token (held under the lock only while it is opened). */
async function openSession(
  input: z.infer<typeof DiscoveryInput>,
  deps: DiscoveryDependencies,
): Promise<string> {
  const authorization = await deps.provider.basicAuthorization();
  return deps.access.withRefreshToken(input.userId, input.connectionId, async (refreshToken) => {
    const answer = await callApi('API B (session)', `${deps.settings.apiB}/sessions`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ refresh_token: refreshToken }).toString(),
    });
    if (answer.status === 400 && errorCode(answer.body) === 'invalid_grant') {
      throw new ReconnectRequired('API B refused the refresh token (invalid_grant): connect again.');
    }
    if (answer.status !== 201 && answer.status !== 200) {
      throw new ProviderError(`API B answered HTTP ${answer.status} to the session request.`);
    }
    const session = Session.safeParse(answer.body);
    if (!session.success) throw new ProviderError('API B answered a session of an unexpected shape.');
    return session.data.session_token;
  });
}

export async function discoverAccounts(
  input: z.infer<typeof DiscoveryInput>,
  deps: DiscoveryDependencies,
): Promise<DiscoveryResult> {
  const session = await openSession(input, deps);
  const fetchPage = async (cursor: string | undefined): Promise<Page> => {
    const url = new URL(`${deps.settings.apiB}/accounts`);
    if (cursor) url.searchParams.set('cursor', cursor);
    const answer = await callApi('API B', url.href, { headers: { authorization: `Session ${session}` } });
    if (answer.status !== 200) throw new ProviderError(`API B answered HTTP ${answer.status}.`);
    return parsePage(answer.body, 'accounts', 'API B');
  };
  return collectRecords('accounts', 'API B', fetchPage, normaliseAccount);
}

let deps: DiscoveryDependencies | undefined;

export async function handler(event: unknown): Promise<DiscoveryResult> {
  deps ??= discoveryDependencies();
  return discoverAccounts(DiscoveryInput.parse(event), deps);
}
