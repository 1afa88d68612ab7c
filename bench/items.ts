/**
 * What the benchmarks share: realistic items of the projected tables, and a direct `pg` URL to
 * the local cloud's PostgreSQL.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DATABASE_NAME } from '../workflows/index.ts';
import type { ProjectedTableId } from '../workflows/projections.ts';

export type Item = Record<string, AttributeValue>;
export interface Written {
  readonly table: ProjectedTableId;
  readonly item: Item;
}

export const RESOURCES_PER_CONNECTION = 20;
const KINDS = ['file', 'folder', 'calendar', 'mailbox', 'spreadsheet'] as const;
const MIME = ['application/pdf', 'application/vnd.folder', 'text/calendar', 'message/rfc822', 'text/csv'];
const PROVIDERS = ['drive', 'mail', 'calendar'] as const;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/**
 * Items of realistic width (about 750 bytes as DynamoDB JSON): ids, names, paths, timestamps and a
 * few attributes, one connection per RESOURCES_PER_CONNECTION resources. Item i is dated
 * `base + i * step` (createdAt, updatedAt, discoveredAt); versions count up from `startVersion`.
 */
export function makeItems(
  count: number,
  tag: string,
  startVersion: number,
  dates: { readonly base: number; readonly step: number },
): Written[] {
  const out: Written[] = [];
  const { base, step } = dates;
  let connectionId = '';
  let userId = '';
  for (let i = 0; i < count; i++) {
    const at = new Date(base + i * step).toISOString();
    const version = { N: String(startVersion + i) };
    if (i % (RESOURCES_PER_CONNECTION + 1) === 0) {
      const c = Math.floor(i / (RESOURCES_PER_CONNECTION + 1));
      userId = `${tag}-user-${hex(c * 7919, 8)}-4a1f-9c2e-${hex(c, 12)}`;
      connectionId = `${tag}-conn-${hex(c * 104_729, 10)}${hex(c, 6)}`;
      const provider = PROVIDERS[c % PROVIDERS.length] ?? 'drive';
      out.push({
        table: 'connections',
        item: {
          userId: { S: userId },
          connectionId: { S: connectionId },
          provider: { S: provider },
          status: { S: c % 10 === 9 ? 'revoked' : 'active' },
          displayName: { S: `Jordan Example-${c} (jordan.example+${c}@example.com), ${provider}` },
          scopes: {
            L: ['files.read', 'files.metadata', 'calendar.read', 'mail.headers'].map((s) => ({
              S: `https://api.example.com/auth/${provider}/${s}`,
            })),
          },
          accountEmail: { S: `jordan.example+${c}@example.com` },
          tokenParameter: { S: `/wf/oauth/${userId}/${connectionId}` },
          createdAt: { S: at },
          updatedAt: { S: at },
          version,
        },
      });
      continue;
    }
    const kind = KINDS[i % KINDS.length] ?? 'file';
    const skipped = i % 10 === 7;
    const folder = `/Shared drives/Team ${i % 13}/Projects/${2020 + (i % 7)}/Quarter ${1 + (i % 4)}`;
    out.push({
      table: 'resources',
      item: {
        connectionId: { S: connectionId },
        resourceId: { S: `${tag}-res-${hex(i * 2_654_435_761, 16)}` },
        kind: { S: kind },
        name: { S: `Quarterly planning review ${i} - final draft (${kind}).pdf` },
        status: { S: skipped ? 'skipped' : 'active' },
        ...(skipped ? { skipReason: { S: 'The provider reports the resource as shared read-only.' } } : {}),
        attributes: {
          M: {
            path: { S: `${folder}/Quarterly planning review ${i}.pdf` },
            mimeType: { S: MIME[i % MIME.length] ?? 'application/pdf' },
            sizeBytes: { N: String(1024 + ((i * 7919) % 9_000_000)) },
            ownerEmail: { S: `owner.${i % 97}@example.com` },
            modifiedAt: { S: at },
            webUrl: { S: `https://files.example.com/d/${hex(i * 48_271, 12)}/view?usp=sharing` },
            etag: { S: `"${hex(i * 16_807, 16)}"` },
            shared: { BOOL: i % 3 === 0 },
          },
        },
        discoveredAt: { S: at },
        updatedAt: { S: at },
        version,
      },
    });
  }
  return out;
}

/** The database of the local cloud's PostgreSQL: DATABASE_URL, else the embedded server's files. */
export async function databaseUrl(dataDir: string, database = DATABASE_NAME): Promise<string> {
  const external = process.env.DATABASE_URL;
  const url = new URL(
    external !== undefined && external !== ''
      ? external
      : await (async () => {
          const dir = join(dataDir, 'postgres');
          const password = (await readFile(join(dir, 'postgres.password'), 'utf8')).trim();
          // postmaster.pid's fourth line is the port the server listens on.
          const port = (await readFile(join(dir, 'pgdata', 'postmaster.pid'), 'utf8')).split('\n')[3]?.trim();
          return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
        })(),
  );
  url.pathname = `/${database}`;
  return url.toString();
}
