/**
 * One runner per ENABLED schedule: started when a schedule is created or enabled (and for every
 * ENABLED schedule when the service starts), restarted when it is updated, stopped when it is
 * disabled or deleted.
 */
import type { Clock } from '../../asl/index.ts';
import { fireOnce, type RunnerDeps, ScheduleRunner, type ScheduleStatus, statusOf } from './runner.ts';
import { key, type ScheduleStore, type StoredSchedule } from './store.ts';
import type { Targets } from './target.ts';

export interface SupervisorOptions {
  readonly store: ScheduleStore;
  readonly clock: Clock;
  readonly targets: Targets;
  readonly log: (line: string) => void;
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  /** Deletes a completed at() schedule whose ActionAfterCompletion is DELETE. */
  readonly remove: (schedule: StoredSchedule) => Promise<void>;
}

export class Supervisor {
  private readonly runners = new Map<string, ScheduleRunner>();
  private readonly deps: RunnerDeps;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: SupervisorOptions) {
    this.deps = { ...options, completed: (s) => options.remove(s) };
  }

  /** Applies changes one after another, in the order they were made. */
  apply(group: string, name: string, schedule: StoredSchedule | undefined): Promise<void> {
    this.chain = this.chain.then(async () => {
      const current = this.runners.get(key(group, name));
      this.runners.delete(key(group, name));
      if (current) await current.stop();
      if (schedule === undefined || schedule.State !== 'ENABLED') return;
      const runner = new ScheduleRunner(schedule, this.deps);
      this.runners.set(key(group, name), runner);
      runner.start();
    });
    return this.chain;
  }

  status(schedule: StoredSchedule): ScheduleStatus {
    return (
      this.runners.get(key(schedule.GroupName, schedule.Name))?.status() ??
      statusOf(schedule, this.options.store.firing(schedule.GroupName, schedule.Name), undefined, 0)
    );
  }

  runNow(schedule: StoredSchedule): Promise<string> {
    return fireOnce(this.deps, schedule);
  }

  async close(): Promise<void> {
    await this.chain;
    const runners = [...this.runners.values()];
    this.runners.clear();
    await Promise.all(runners.map((r) => r.stop()));
    this.options.targets.close();
  }
}
