/**
 * stream-sync: keeps PostgreSQL's projection of the metadata tables (workflows/projections.ts)
 * current. An EventBridge Pipe reads the tables' DynamoDB streams and calls it synchronously
 * (Express, REQUEST_RESPONSE) with a batch of stream records; per table the batch becomes one
 * set-wise upsert through the RDS Data API, guarded by the item's version, so a batch applied
 * twice, or out of order across batches, leaves the same rows. It answers `batchItemFailures`
 * for the records it cannot map, so the pipe retries (and at last dead-letters) only them.
 */
import { z } from 'zod';
import { defineWorkflow, ref } from '../wiring.ts';

/** A DynamoDB stream record as an EventBridge Pipe passes it (the fields stream-sync reads). */
const StreamRecord = z.looseObject({
  eventName: z.string(),
  eventSourceARN: z.string(),
  dynamodb: z.looseObject({ SequenceNumber: z.string() }),
});

export const streamSync = defineWorkflow({
  module: import.meta.url,
  name: 'stream-sync',
  description:
    'Applies a batch of DynamoDB stream records to the PostgreSQL projection, one upsert per table.',
  type: 'EXPRESS',
  input: z.array(StreamRecord),
  output: z.object({ batchItemFailures: z.array(z.object({ itemIdentifier: z.string() })) }),
  substitutions: {
    DatabaseClusterArn: ref.databaseClusterArn(),
    DatabaseSecretArn: ref.databaseSecretArn(),
    DatabaseName: ref.databaseName(),
    ConnectionsTable: ref.table('connections'),
    ResourcesTable: ref.table('resources'),
    ConnectionsKey: ref.projectionKey('connections'),
    ResourcesKey: ref.projectionKey('resources'),
    ConnectionsUpsert: ref.projectionUpsert('connections'),
    ResourcesUpsert: ref.projectionUpsert('resources'),
  },
  startedBy: {
    kind: 'pipe',
    tables: ['connections', 'resources'],
    batchSize: 100,
    batchingWindowSeconds: 0,
    maximumRetryAttempts: 3,
    maximumRecordAgeSeconds: 3600,
  },
});
