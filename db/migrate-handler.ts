/**
 * The schema-migrations custom resource's handler, run by the CDK provider framework
 * (aws-cdk-lib/custom-resources Provider) at deploy time: Create and Update apply the migrations
 * bundled next to it (db/migrations, copied into the function's bundle) through the RDS Data API,
 * as `wf up` does locally; Delete does nothing, so removing the resource or the stack never drops
 * data, and neither does the Update a rollback sends. A failing migration throws; the framework reports its message as the reason the resource
 * failed, which fails (and rolls back) the deployment.
 */
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { z } from 'zod';
import { MigrationError } from './errors.ts';
import { type DataApiClient, type Migration, migrate, migrationsHash, readMigrations } from './migrate.ts';
import { type ResumeOptions, retryWhileResuming } from './resuming.ts';

const Properties = z.looseObject({
  ResourceArn: z.string().startsWith('arn:'),
  SecretArn: z.string().startsWith('arn:'),
  Database: z.string().min(1),
  /** migrationsHash of the set the template was synthesized with: a new value re-runs Update. */
  MigrationsHash: z.string().regex(/^[0-9a-f]{64}$/),
});

const MigrationsEvent = z.discriminatedUnion('RequestType', [
  z.looseObject({ RequestType: z.literal('Create'), ResourceProperties: Properties }),
  z.looseObject({
    RequestType: z.literal('Update'),
    PhysicalResourceId: z.string(),
    ResourceProperties: Properties,
    OldResourceProperties: z.looseObject({ MigrationsHash: z.string().optional() }),
  }),
  // Delete reads nothing else: whatever the properties were, it must succeed and touch nothing.
  z.looseObject({ RequestType: z.literal('Delete'), PhysicalResourceId: z.string() }),
]);
export type MigrationsEvent = z.input<typeof MigrationsEvent>;

/** The provider framework's response: the resource's id and what `getAtt` can read. */
export interface MigrationsResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: {
    /** How many migrations this event applied ('0' when the database was up to date). */
    readonly Applied: string;
    /** The newest migration in the set, now applied ('' on a rollback). */
    readonly Latest: string;
    readonly MigrationsHash: string;
  };
}

export interface Dependencies {
  readonly client: DataApiClient;
  /** The migrations to apply; by default the files bundled with the function. */
  readonly migrations?: () => readonly Migration[];
  /** How long and how to wait for a paused Aurora Serverless v2 writer to resume. */
  readonly resume?: ResumeOptions;
  readonly log?: (line: string) => void;
}

/** The handler for these dependencies. */
export function migrationsHandler(deps: Dependencies): (event: unknown) => Promise<MigrationsResponse> {
  const log = deps.log ?? ((line: string) => console.log(line));
  const client = retryWhileResuming(deps.client, {
    onRetry: ({ error, attempt, delayMs }) =>
      log(
        `The Data API answered ${error} (call ${attempt}): the database is resuming; retrying in ${delayMs} ms.`,
      ),
    ...deps.resume,
  });
  return async (raw) => {
    const event = MigrationsEvent.parse(raw);
    if (event.RequestType === 'Delete') {
      log(`Delete of ${event.PhysicalResourceId}: nothing to do (migrations are never undone).`);
      return { PhysicalResourceId: event.PhysicalResourceId };
    }
    const { ResourceArn, SecretArn, Database, MigrationsHash } = event.ResourceProperties;
    const migrations = (deps.migrations ?? readMigrations)();
    const bundled = migrationsHash(migrations);
    if (
      bundled !== MigrationsHash &&
      event.RequestType === 'Update' &&
      event.OldResourceProperties.MigrationsHash === bundled
    ) {
      // A rollback: the deployment that brought this function's set failed (here or later in the
      // stack), and CloudFormation asks for the previous set before it restores the previous code.
      // That set was applied by the deployment before; migrations only go forward, so the schema
      // stays as it is (a failed file was rolled back in its own transaction).
      log(
        `Rollback of database ${Database} to the migration set ${MigrationsHash}: nothing to do (migrations are never undone).`,
      );
      return {
        PhysicalResourceId: `${ResourceArn}/${Database}`,
        Data: { Applied: '0', Latest: '', MigrationsHash },
      };
    }
    if (bundled !== MigrationsHash) {
      throw new MigrationError(
        `The function's bundled migrations (hash ${bundled}) are not the set the template was synthesized with (hash ${MigrationsHash}): synthesize and deploy again from one checkout.`,
      );
    }
    const applied = await migrate(
      client,
      { resourceArn: ResourceArn, secretArn: SecretArn, database: Database },
      [...migrations],
    ).catch((error: unknown) => {
      if (error instanceof MigrationError) throw error;
      // Before any file ran (the schema_migrations table, permissions, the cluster itself).
      const { name, message } = error as Error;
      throw new MigrationError(`Migrating database ${Database}: ${name}: ${message}`, { cause: error });
    });
    log(
      applied.length === 0
        ? `Database ${Database} is up to date (${migrations.length} migrations).`
        : `Applied to database ${Database}: ${applied.join(', ')}.`,
    );
    return {
      // The database migrated: the same across updates of the set. Another cluster or database
      // is another id, and CloudFormation's Delete of the old one does nothing.
      PhysicalResourceId: `${ResourceArn}/${Database}`,
      Data: { Applied: String(applied.length), Latest: migrations.at(-1)?.name ?? '', MigrationsHash },
    };
  };
}

/** The Lambda entry point: the runtime's credentials and region, the bundled migrations. */
export const handler = migrationsHandler({ client: new RDSDataClient({}) });
