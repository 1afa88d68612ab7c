/**
 * initdb (once per data directory) and the postgres server process: spawned as the server's
 * user, listening on loopback TCP only, ready when its log says so, stopped with a fast shutdown.
 * https://www.postgresql.org/docs/17/app-initdb.html
 * https://www.postgresql.org/docs/17/server-shutdown.html
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { PostgresStartError } from '../errors.ts';
import type { Binaries } from './binaries.ts';
import type { RunAs } from './user.ts';

/** The line the postmaster logs once it accepts connections (messages are forced to English). */
const READY = 'database system is ready to accept connections';
const TAIL_LINES = 25;
/** After a fast shutdown (SIGINT) this long, an immediate one (SIGQUIT) ends a stuck server. */
const SHUTDOWN_GRACE_MS = 10_000;

interface Launched {
  readonly child: ChildProcess;
  /** The last lines the process wrote, for error messages. */
  tail(): string;
}

function launch(
  command: string,
  args: readonly string[],
  cwd: string,
  user: RunAs | undefined,
  log: (line: string) => void,
  onLine: (line: string) => void = () => {},
): Launched {
  const child = spawn(command, args, {
    cwd,
    ...(user === undefined ? {} : { uid: user.uid, gid: user.gid }),
    // C messages: readiness is read from the log, and errors should read the same everywhere.
    env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const reader = (): ((chunk: Buffer) => void) => {
    let partial = '';
    return (chunk) => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        if (line.trim() === '') continue;
        lines.push(line);
        if (lines.length > TAIL_LINES) lines.shift();
        log(line);
        onLine(line);
      }
    };
  };
  child.stdout?.on('data', reader());
  child.stderr?.on('data', reader());
  return { child, tail: () => lines.join('\n') };
}

/** Creates the cluster in the empty `pgdata` directory; the superuser is `postgres`. */
export async function initdb(
  binaries: Binaries,
  pgdata: string,
  passwordFile: string,
  user: RunAs | undefined,
  log: (line: string) => void,
): Promise<void> {
  const args = [
    `--pgdata=${pgdata}`,
    '--username=postgres',
    // Aurora PostgreSQL 14+ and so the Data API accept only scram-sha-256 passwords.
    '--auth=scram-sha-256',
    `--pwfile=${passwordFile}`,
    '--encoding=UTF8',
    // The builtin provider (PostgreSQL 17) needs no OS locale, so the cluster is the same everywhere.
    '--locale=C',
    '--locale-provider=builtin',
    '--builtin-locale=C.UTF-8',
    // A local cluster: skipping fsync makes the one-time init several times faster.
    '--no-sync',
    '--no-instructions',
  ];
  const { child, tail } = launch(binaries.initdb, args, dirname(pgdata), user, log);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).catch((error: unknown) => {
    throw new PostgresStartError(`Cannot run ${binaries.initdb}.`, tail(), { cause: error });
  });
  if (code !== 0) throw new PostgresStartError(`initdb failed (exit code ${code}) for ${pgdata}.`, tail());
}

export interface RunningServer {
  readonly pid: number;
  /** Fast shutdown (SIGINT): running transactions roll back, the data is checkpointed. */
  stop(): Promise<void>;
}

export async function startServer(
  binaries: Binaries,
  pgdata: string,
  port: number,
  user: RunAs | undefined,
  log: (line: string) => void,
): Promise<RunningServer> {
  const args = [
    '-D',
    pgdata,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    // No Unix socket: its default directory (/tmp or /var/run/postgresql) may be shared or absent.
    '-c',
    'unix_socket_directories=',
  ];
  let ready: () => void = () => {};
  const { child, tail } = launch(binaries.postgres, args, dirname(pgdata), user, log, (line) => {
    if (line.includes(READY)) ready();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A server left running by a process that exits without close() would hold the data directory.
  const stopOnExit = (): void => {
    child.kill('SIGINT');
  };
  process.once('exit', stopOnExit);
  try {
    // Events after the first settle this promise no more: a later exit is close()'s business.
    await new Promise<void>((resolve, reject) => {
      ready = resolve;
      child.once('error', reject);
      child.once('exit', () =>
        reject(new PostgresStartError(`postgres exited before accepting connections (${pgdata}).`, tail())),
      );
    });
  } catch (error) {
    process.off('exit', stopOnExit);
    child.kill('SIGKILL');
    if (error instanceof PostgresStartError) throw error;
    throw new PostgresStartError(`Cannot run ${binaries.postgres}.`, tail(), { cause: error });
  }
  let stopping: Promise<void> | undefined;
  child.once('exit', (code, signal) => {
    if (stopping === undefined)
      log(`postgres exited unexpectedly (code ${code}, signal ${signal}): ${pgdata}`);
  });
  return {
    pid: child.pid ?? -1,
    stop() {
      stopping ??= (async () => {
        process.off('exit', stopOnExit);
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGINT');
        const grace = setTimeout(() => child.kill('SIGQUIT'), SHUTDOWN_GRACE_MS);
        await exited;
        clearTimeout(grace);
      })();
      return stopping;
    },
  };
}
