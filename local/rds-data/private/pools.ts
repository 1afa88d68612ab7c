/**
 * One `pg` pool per database named in requests, on the server of the configured URL. Sessions
 * run in UTC with ISO dates, as the Data API's do. A connection goes back to its pool reset
 * (DISCARD ALL): on AWS a `SET` or a temporary table does not outlive its call unless a
 * transaction holds the connection.
 */
import pg, { type PoolClient } from 'pg';
import { connectionError, databaseError, databaseUnavailable, isServerLoss } from '../errors.ts';
import { TypeCatalog } from './types.ts';

export interface Connection {
  readonly client: PoolClient;
  readonly types: TypeCatalog;
  /** The backend's process id: what StatementTimeoutException reports as dbConnectionId. */
  readonly pid: number;
}

const SESSION = '-c TimeZone=UTC -c DateStyle=ISO,MDY';

/** Maps a failure to connect (server down, wrong database) to the Data API's answer. */
export function connectionFailure(error: unknown, database: string): Error {
  if (isServerLoss(error)) return databaseUnavailable();
  if (error instanceof pg.DatabaseError) return databaseError(error);
  const reason = error instanceof Error ? error.message : String(error);
  return connectionError(`Cannot connect to database ${database}: ${reason}`);
}

export class Pools {
  private readonly pools = new Map<string, { pool: pg.Pool; types: TypeCatalog }>();

  constructor(
    private readonly url: string,
    private readonly log: (line: string) => void,
  ) {}

  /** The database of the URL when the request names none. */
  private urlFor(database: string | undefined): { url: string; name: string } {
    const parsed = new URL(this.url);
    if (database !== undefined && database !== '') parsed.pathname = `/${encodeURIComponent(database)}`;
    return { url: parsed.toString(), name: decodeURIComponent(parsed.pathname.slice(1)) || 'postgres' };
  }

  private entry(database: string | undefined): { pool: pg.Pool; types: TypeCatalog; name: string } {
    const { url, name } = this.urlFor(database);
    let entry = this.pools.get(name);
    if (entry === undefined) {
      const pool = new pg.Pool({
        connectionString: url,
        options: SESSION,
        max: 10,
        idleTimeoutMillis: 10_000,
      });
      // An idle connection the server drops must not crash the process; the pool replaces it.
      pool.on('error', (error) => this.log(`RDS Data pool (${name}): ${error.message}`));
      entry = { pool, types: new TypeCatalog() };
      this.pools.set(name, entry);
    }
    return { ...entry, name };
  }

  async connect(database: string | undefined): Promise<Connection> {
    const { pool, types, name } = this.entry(database);
    const client = await pool.connect().catch((error: unknown) => {
      throw connectionFailure(error, name);
    });
    const pid = (client as unknown as { processID: number | null }).processID ?? 0;
    return { client, types, pid };
  }

  /** Cancels the statement running on backend `pid`, over a connection of its own. */
  async cancel(database: string | undefined, pid: number): Promise<void> {
    const client = new pg.Client({ connectionString: this.urlFor(database).url });
    try {
      await client.connect();
      await client.query('SELECT pg_cancel_backend($1)', [pid]);
    } catch (error) {
      this.log(`RDS Data: cancelling backend ${pid} failed: ${(error as Error).message}`);
    } finally {
      await client.end().catch(() => {});
    }
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map(({ pool }) => pool.end()));
  }
}

/** Resets the session and returns the connection; one that cannot be reset is closed instead. */
export async function release(client: PoolClient): Promise<void> {
  try {
    await client.query('DISCARD ALL').catch(async () => {
      // DISCARD ALL fails inside a transaction block: a lone BEGIN left one open.
      await client.query('ROLLBACK');
      await client.query('DISCARD ALL');
    });
    client.release();
  } catch (error) {
    client.release(error instanceof Error ? error : true);
  }
}
