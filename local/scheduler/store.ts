/**
 * The schedule groups, the schedules and the runner's state, in the data directory:
 * `schedules.json` (groups and schedules as GetScheduleGroup/GetSchedule show them) and
 * `firings.json` (per schedule: the scheduled time of the last firing handled, its execution, its
 * last error). Every change is written through replaceFileDurably (fsynced, renamed into place)
 * before it counts, so a restart knows what fired.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFileDurably } from '../files.ts';
import { SchedulerDataError } from './errors.ts';
import type { ScheduleSpec } from './params.ts';

export interface StoredGroup {
  readonly Name: string;
  readonly Arn: string;
  /** Epoch ms. */
  readonly CreationDate: number;
  readonly LastModificationDate: number;
}

export interface StoredSchedule extends ScheduleSpec {
  readonly Name: string;
  readonly Arn: string;
  readonly CreationDate: number;
  readonly LastModificationDate: number;
}

export interface FiringState {
  /** The scheduled time (epoch ms) of the last firing the runner handled (fired, or given up on). */
  readonly lastScheduled?: number;
  readonly lastFiredAt?: number;
  readonly lastExecutionArn?: string;
  readonly lastError?: string;
}

export const key = (group: string, name: string) => `${group}/${name}`;

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw new SchedulerDataError(`Cannot read ${file}.`, file, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SchedulerDataError(`${file} is not JSON: restore it, or delete it to start over.`, file, {
      cause: error,
    });
  }
}

async function writeJson(file: string, data: unknown): Promise<void> {
  try {
    await replaceFileDurably(file, `${JSON.stringify(data, null, 2)}\n`);
  } catch (error) {
    throw new SchedulerDataError(`Cannot write ${file}.`, file, { cause: error });
  }
}

export class ScheduleStore {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private groups: Map<string, StoredGroup>,
    private schedules: Map<string, StoredSchedule>,
    private firings: Record<string, FiringState>,
  ) {}

  static async open(dir: string): Promise<ScheduleStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, 'schedules.json');
    const raw = ((await readJson(file)) ?? { format: 1, groups: [], schedules: [] }) as {
      groups?: unknown;
      schedules?: unknown;
    };
    if (!Array.isArray(raw.groups) || !Array.isArray(raw.schedules))
      throw new SchedulerDataError(`${file} is not a schedules file (format 1).`, file);
    const firings = ((await readJson(join(dir, 'firings.json'))) ?? {}) as Record<string, FiringState>;
    return new ScheduleStore(
      dir,
      new Map((raw.groups as StoredGroup[]).map((g) => [g.Name, g])),
      new Map((raw.schedules as StoredSchedule[]).map((s) => [key(s.GroupName, s.Name), s])),
      firings,
    );
  }

  private run<T>(write: () => Promise<T>): Promise<T> {
    const next = this.queue.then(write);
    this.queue = next.catch(() => undefined);
    return next;
  }

  group(name: string): StoredGroup | undefined {
    return this.groups.get(name);
  }

  listGroups(): StoredGroup[] {
    return [...this.groups.values()].sort((a, b) => (a.Name < b.Name ? -1 : 1));
  }

  schedule(group: string, name: string): StoredSchedule | undefined {
    return this.schedules.get(key(group, name));
  }

  listSchedules(): StoredSchedule[] {
    return [...this.schedules.values()].sort((a, b) =>
      key(a.GroupName, a.Name) < key(b.GroupName, b.Name) ? -1 : 1,
    );
  }

  firing(group: string, name: string): FiringState {
    return this.firings[key(group, name)] ?? {};
  }

  private save(groups: Map<string, StoredGroup>, schedules: Map<string, StoredSchedule>): Promise<void> {
    return writeJson(join(this.dir, 'schedules.json'), {
      format: 1,
      groups: [...groups.values()],
      schedules: [...schedules.values()],
    });
  }

  putGroup(name: string, group: StoredGroup | undefined): Promise<void> {
    return this.run(async () => {
      const groups = new Map(this.groups);
      const schedules = new Map(this.schedules);
      if (group === undefined) {
        groups.delete(name);
        // Deleting a group deletes its schedules, as on AWS.
        for (const [k, s] of schedules) if (s.GroupName === name) schedules.delete(k);
      } else groups.set(name, group);
      await this.save(groups, schedules);
      this.groups = groups;
      this.schedules = schedules;
    });
  }

  putSchedule(group: string, name: string, schedule: StoredSchedule | undefined): Promise<void> {
    return this.run(async () => {
      const schedules = new Map(this.schedules);
      if (schedule === undefined) schedules.delete(key(group, name));
      else schedules.set(key(group, name), schedule);
      await this.save(this.groups, schedules);
      this.schedules = schedules;
      if (schedule === undefined && key(group, name) in this.firings) {
        const { [key(group, name)]: _gone, ...rest } = this.firings;
        await writeJson(join(this.dir, 'firings.json'), rest);
        this.firings = rest;
      }
    });
  }

  setFiring(group: string, name: string, state: FiringState): Promise<void> {
    return this.run(async () => {
      const next = { ...this.firings, [key(group, name)]: state };
      await writeJson(join(this.dir, 'firings.json'), next);
      this.firings = next;
    });
  }

  async flush(): Promise<void> {
    await this.queue;
  }
}
