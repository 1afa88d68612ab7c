/**
 * API A of the provider, for the discovery workflow: every page of the user's projects with the
 * connection's access token (refreshed when it has expired; refreshed once more if the API
 * refuses it), each project normalised: usable ones ACTIVE, archived ones and those the user has
 * no role in SKIPPED with the reason. Reads the tokens from SSM itself and returns records only.
 */
import type { z } from 'zod';
import { callApi } from '../shared/oauth/api.ts';
import { type DiscoveryDependencies, discoveryDependencies } from '../shared/oauth/discovery-deps.ts';
import { ProviderError } from '../shared/oauth/errors.ts';
import { collectRecords, type Page, parsePage } from '../shared/oauth/paging.ts';
import {
  bounded,
  DiscoveryInput,
  type DiscoveryResult,
  type ResourceRecord,
  record,
  usableId,
} from '../shared/oauth/resources.ts';

type Project = Record<string, unknown>;

const text = (value: unknown, max: number) => (typeof value === 'string' ? bounded(value, max) : '');

/** A project as the app keeps it; undefined when its id cannot be keyed on. */
export function normaliseProject(project: Project): ResourceRecord | undefined {
  const id = usableId(project.id);
  if (!id) return undefined;
  const state = text(project.state, 40);
  const role = text(project.role, 40);
  const skipReason =
    state === 'ARCHIVED'
      ? 'Archived at the provider.'
      : role === 'NONE' || role === ''
        ? 'You have no role in this project.'
        : state !== 'ACTIVE'
          ? `The provider reports it as ${state || 'without a state'}.`
          : undefined;
  return record({
    resourceId: `project:${id}`,
    source: 'projects',
    kind: 'project',
    name: text(project.name, 200),
    status: skipReason ? 'SKIPPED' : 'ACTIVE',
    ...(skipReason ? { skipReason } : {}),
    attributes: { state, role, region: text(project.region, 40) },
  });
}

export async function discoverProjects(
  input: z.infer<typeof DiscoveryInput>,
  deps: DiscoveryDependencies,
): Promise<DiscoveryResult> {
  const { userId, connectionId } = input;
  let token = await deps.access.accessToken(userId, connectionId);
  let refreshedAfterRefusal = false;
  const fetchPage = async (cursor: string | undefined): Promise<Page> => {
    const url = new URL(`${deps.settings.apiA}/projects`);
    if (cursor) url.searchParams.set('cursor', cursor);
    let answer = await callApi('API A', url.href, { headers: { authorization: `Bearer ${token}` } });
    if (answer.status === 401 && !refreshedAfterRefusal) {
      // Revoked or expired early at the provider: one refresh, then the same page again.
      refreshedAfterRefusal = true;
      token = await deps.access.accessToken(userId, connectionId, token);
      answer = await callApi('API A', url.href, { headers: { authorization: `Bearer ${token}` } });
    }
    if (answer.status !== 200) throw new ProviderError(`API A answered HTTP ${answer.status}.`);
    return parsePage(answer.body, 'projects', 'API A');
  };
  return collectRecords('projects', 'API A', fetchPage, normaliseProject);
}

let deps: DiscoveryDependencies | undefined;

export async function handler(event: unknown): Promise<DiscoveryResult> {
  deps ??= discoveryDependencies();
  return discoverProjects(DiscoveryInput.parse(event), deps);
}
