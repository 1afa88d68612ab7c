/**
 * Running one statement as the Data API does: one statement only (the extended protocol refuses
 * several), parameters typed as bound, every value back as text for values.ts to map, and the
 * call cut off after the statement timeout (45 s on AWS).
 */
import type { CustomTypesConfig, FieldDef, PoolClient, QueryArrayConfig } from 'pg';
import { RdsDataError } from '../errors.ts';

export interface Statement {
  readonly text: string;
  readonly values: unknown[];
  readonly oids: number[];
}

export interface StatementResult {
  readonly command: string;
  readonly rowCount: number | null;
  readonly fields: readonly FieldDef[];
  readonly rows: readonly (readonly (string | null)[])[];
}

const rawText = ((value: string) => value) as unknown as ReturnType<CustomTypesConfig['getTypeParser']>;

export async function runStatement(client: PoolClient, statement: Statement): Promise<StatementResult> {
  // node-postgres sends `types`, when it is an array, as the Parse message's parameter types and
  // asks the same object for result parsers: one object gives both the bound types and raw text.
  const types = Object.assign([...statement.oids], {
    getTypeParser: (() => rawText) as CustomTypesConfig['getTypeParser'],
  });
  const config: QueryArrayConfig & { queryMode: 'extended' } = {
    text: statement.text,
    values: statement.values,
    types,
    rowMode: 'array',
    // Always Parse/Bind/Execute, even without parameters: like the Data API, one statement a call.
    queryMode: 'extended',
  };
  const result = await client.query(config);
  return {
    command: result.command,
    rowCount: result.rowCount,
    fields: result.fields,
    rows: result.rows as (string | null)[][],
  };
}

/** Thrown by withTimeout; `settled` resolves once the work really ended, so the connection is free. */
export class TimedOut extends RdsDataError {
  constructor(readonly settled: Promise<void>) {
    super('The statement timed out.');
    this.name = 'TimedOut';
  }
}

/**
 * The work's result, or TimedOut after `ms`. `onTimeout` runs then (to cancel the statement);
 * the work itself goes on until it ends.
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  const settled = work.then(
    () => {},
    () => {},
  );
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new TimedOut(settled));
    }, ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
