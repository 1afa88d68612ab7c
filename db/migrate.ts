/**
 * Schema migrations: the SQL files of db/migrations, applied in the order of their names, each in
 * one transaction together with its row in `schema_migrations` (name and SHA-256 of the text), so
 * a file is applied whole or not at all, and once. A file changed after it was applied is refused:
 * add a new one instead. Everything goes through the RDS Data API, so the same code migrates the
 * local PostgreSQL on `wf up` and Aurora at deploy time, without a network path to the cluster.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import { MigrationError } from './errors.ts';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  readonly name: string;
  readonly checksum: string;
  /** The file's statements, in order (split at `;` ending a line). */
  readonly statements: readonly string[];
}

export interface Database {
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly database: string;
}

export { DatabaseResumeError, MigrationError } from './errors.ts';

/** The migrations in `dir`, in order. Names are `NNNN_what.sql`. */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      if (!/^\d{4}_[a-z0-9_]+\.sql$/.test(file)) {
        throw new MigrationError(
          `${file}: name migrations NNNN_what.sql (four digits, then lower-case words).`,
          { migration: file },
        );
      }
      const text = readFileSync(join(dir, file), 'utf8');
      return {
        name: file,
        checksum: createHash('sha256').update(text).digest('hex'),
        statements: splitStatements(text),
      };
    });
}

/**
 * One hash of a set of migrations (names and contents, in order): it changes when a file is
 * added, renamed or edited, so a deployment that carries it re-runs the migrations.
 */
export function migrationsHash(migrations: readonly Migration[]): string {
  return createHash('sha256')
    .update(JSON.stringify(migrations.map((m) => [m.name, m.checksum])))
    .digest('hex');
}

/** Statements end with `;` at the end of a line; `--` comment lines are dropped. */
export function splitStatements(text: string): string[] {
  const lines = text.split('\n').filter((line) => !/^\s*--/.test(line));
  return lines
    .join('\n')
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '');
}

/** What migrate needs of an RDS Data API client. */
export type DataApiClient = Pick<RDSDataClient, 'send'>;

/** Applies the migrations not applied yet; answers the names applied now. */
export async function migrate(
  client: DataApiClient,
  db: Database,
  migrations = readMigrations(),
): Promise<string[]> {
  const run = (
    sql: string,
    transactionId?: string,
    parameters?: { name: string; value: { stringValue: string } }[],
  ) =>
    client.send(
      new ExecuteStatementCommand({
        ...db,
        sql,
        ...(transactionId ? { transactionId } : {}),
        ...(parameters ? { parameters } : {}),
        formatRecordsAs: 'JSON',
      }),
    );
  await run(
    'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const applied = new Map(
    (
      JSON.parse((await run('SELECT name, checksum FROM schema_migrations')).formattedRecords ?? '[]') as {
        name: string;
        checksum: string;
      }[]
    ).map((row) => [row.name, row.checksum]),
  );
  const done: string[] = [];
  for (const migration of migrations) {
    const checksum = applied.get(migration.name);
    if (checksum !== undefined) {
      if (checksum !== migration.checksum) {
        throw new MigrationError(
          `${migration.name} changed after it was applied (its checksum differs): never edit an applied migration; undo the edit and add a new file.`,
          { migration: migration.name },
        );
      }
      continue;
    }
    const { transactionId } = await client.send(new BeginTransactionCommand(db));
    try {
      for (const statement of migration.statements) await run(statement, transactionId);
      await run('INSERT INTO schema_migrations (name, checksum) VALUES (:name, :checksum)', transactionId, [
        { name: 'name', value: { stringValue: migration.name } },
        { name: 'checksum', value: { stringValue: migration.checksum } },
      ]);
      await client.send(new CommitTransactionCommand({ ...db, transactionId }));
    } catch (error) {
      await client.send(new RollbackTransactionCommand({ ...db, transactionId })).catch(() => undefined);
      // The file first, then the database's own words ("ERROR: column ... does not exist"):
      // this message is what a failed deployment shows as its reason.
      throw new MigrationError(
        `${migration.name}: ${(error as Error).message} (rolled back, nothing of ${migration.name} was applied: fix the file and deploy again)`,
        { migration: migration.name, cause: error },
      );
    }
    done.push(migration.name);
  }
  return done;
}
