/**
 * reconciliation: the correctness path beside stream-sync's fast path. Nightly (EventBridge
 * Scheduler), it proves PostgreSQL's projection equals DynamoDB for everything older than the
 * watermark (the scheduled time minus the longest a record can take through the pipes): per
 * bucket of keys a count and a digest sum, computed by the same SQL on both sides (DynamoDB's
 * scan pages staged in PostgreSQL as they come), then key by key in the mismatching buckets
 * only, repaired with stream-sync's own upsert; orphaned rows become tombstones. Each run writes
 * its report (reconciliation_runs) and advances sync_checkpoint only when clean.
 */
import { z } from 'zod';
import { defineWorkflow, ref } from '../wiring.ts';

const TableReport = z.object({
  table: z.string(),
  outcome: z.enum(['CLEAN', 'REPAIRED', 'FAILED']),
  itemsScanned: z.number().optional(),
  bucketsCompared: z.number().optional(),
  bucketsInFlight: z.number().optional(),
  bucketsMismatched: z.number().optional(),
  keysRepaired: z.number().optional(),
  orphansTombstoned: z.number().optional(),
  error: z.string().optional(),
});

export const reconciliation = defineWorkflow({
  module: import.meta.url,
  name: 'reconciliation',
  description:
    'Proves the PostgreSQL projection matches DynamoDB below a watermark, repairs what differs, and records the run.',
  type: 'STANDARD',
  input: z.object({
    /** The firing's time (`<aws.scheduler.scheduled-time>`); the execution's start when absent. */
    scheduledTime: z.iso.datetime({ offset: true }).optional(),
  }),
  output: z.object({
    runId: z.string(),
    watermark: z.string(),
    outcome: z.enum(['CLEAN', 'REPAIRED']),
    tables: z.array(TableReport),
  }),
  substitutions: {
    DatabaseClusterArn: ref.databaseClusterArn(),
    DatabaseSecretArn: ref.databaseSecretArn(),
    DatabaseName: ref.databaseName(),
    ConnectionsTable: ref.table('connections'),
    ResourcesTable: ref.table('resources'),
    ConnectionsStage: ref.projectionStatement('connections', 'stage'),
    ResourcesStage: ref.projectionStatement('resources', 'stage'),
    ConnectionsCompare: ref.projectionStatement('connections', 'compare'),
    ResourcesCompare: ref.projectionStatement('resources', 'compare'),
    ConnectionsDrift: ref.projectionStatement('connections', 'drift'),
    ResourcesDrift: ref.projectionStatement('resources', 'drift'),
    ConnectionsUpsert: ref.projectionUpsert('connections'),
    ResourcesUpsert: ref.projectionUpsert('resources'),
    MaxStreamLagSeconds: ref.setting('maxStreamLagSeconds'),
    ScanConcurrency: ref.setting('reconciliationScanConcurrency'),
    SegmentItems: ref.setting('reconciliationSegmentItems'),
  },
  startedBy: {
    kind: 'schedule',
    expression: 'cron(0 2 * * ? *)',
    timezone: 'Europe/Berlin',
    flexibleWindowMinutes: 15,
    input: { scheduledTime: '<aws.scheduler.scheduled-time>' },
    maximumRetryAttempts: 3,
    maximumEventAgeSeconds: 3600,
  },
});
