/** What the process suites share: polling real work (bounded), and SQL on the projection through the Data API. */
import { ExecuteStatementCommand, type RDSDataClient } from '@aws-sdk/client-rds-data';
import type { LocalDeployment } from '../../local/deploy.ts';
import { DATABASE_NAME } from '../../workflows/index.ts';

/** Polls (real time, bounded) until `check` answers something. */
export async function until<T>(check: () => Promise<T | undefined>, what: string, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const found = await check();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** Runs `sql` on the deployment's database; answers the records as JSON objects. */
export async function query(
  rds: RDSDataClient,
  deployment: LocalDeployment,
  sql: string,
): Promise<Record<string, unknown>[]> {
  const out = await rds.send(
    new ExecuteStatementCommand({
      resourceArn: deployment.resolve({ kind: 'database-cluster-arn' }),
      secretArn: deployment.resolve({ kind: 'database-secret-arn' }),
      database: DATABASE_NAME,
      sql,
      formatRecordsAs: 'JSON',
    }),
  );
  return JSON.parse(out.formattedRecords ?? '[]') as Record<string, unknown>[];
}
