/**
 * The normalised record of a discovered resource, as the discovery functions return it and the
 * discovery workflow stores it: the provider's strings bounded (a name of 2,000 characters is
 * cut, not refused), the provider's id checked, a digest of the content so an unchanged resource
 * is not written again, and `SKIPPED` with a reason for what the user cannot use.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const ResourceRecord = z.object({
  resourceId: z.string().regex(/^(project|account):[A-Za-z0-9_.-]{1,100}$/),
  /** Which API found it: a failure of one API never removes the other's resources. */
  source: z.enum(['projects', 'accounts']),
  kind: z.enum(['project', 'account']),
  name: z.string().max(200),
  status: z.enum(['ACTIVE', 'SKIPPED']),
  skipReason: z.string().max(200).optional(),
  attributes: z.record(z.string(), z.string().max(100)),
  digest: z.string().regex(/^[0-9a-f]{32}$/),
});
export type ResourceRecord = z.infer<typeof ResourceRecord>;

/** The most records one API may return per discovery. */
export const MAX_RECORDS = 500;
/**
 * The most bytes of records (as JSON) one API may return: both APIs' records pass through the
 * workflow's Parallel output and a variable, which Step Functions caps at 256 KiB with an error
 * (States.DataLimitExceeded) that no Catch can handle. Past it, records are dropped and counted.
 */
export const MAX_RECORDS_BYTES = 100_000;
/** The most pages followed, so a provider that pages forever cannot hold a function. */
export const MAX_PAGES = 50;

/** A provider string as stored: at most `max` characters (whole code points). */
export function bounded(text: string, max: number): string {
  const characters = [...text];
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join('')}…`;
}

/** The provider's id if it is one the app can key on, else undefined (the resource is dropped). */
export function usableId(id: unknown): string | undefined {
  return typeof id === 'string' && /^[A-Za-z0-9_.-]{1,100}$/.test(id) ? id : undefined;
}

export function record(fields: Omit<ResourceRecord, 'digest'>): ResourceRecord {
  const digest = createHash('sha256').update(JSON.stringify(fields), 'utf8').digest('hex').slice(0, 32);
  return ResourceRecord.parse({ ...fields, digest });
}

/** What a discovery function answers: its records, and how many of the provider's it dropped. */
export interface DiscoveryResult {
  readonly source: ResourceRecord['source'];
  readonly records: readonly ResourceRecord[];
  readonly dropped: number;
}

/** The input a discovery function gets from the workflow: ids only. */
export const DiscoveryInput = z.object({
  userId: z.string().min(1).max(128),
  connectionId: z.string().min(1).max(128),
});
