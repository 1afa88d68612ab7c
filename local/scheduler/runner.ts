/**
 * The runner of one ENABLED schedule, on the injected clock: sleeps until its next firing (plus
 * its flexible-window offset), starts the target with the context attributes, retries a failed
 * start per the RetryPolicy with backoff, then writes the dead-letter event, and records the
 * firing (fsynced) before it looks for the next one.
 *
 * Missed firings (the local cloud was down when they were due): AWS does not replay them, so
 * neither does this runner, except the one most recent missed firing, fired once on start if it
 * is still younger than the schedule's MaximumEventAgeInSeconds (AWS itself keeps trying an
 * event that long); every other missed firing is logged and counted, not fired.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../../asl/index.ts';
import { describeFailure } from '../service.ts';
import { type Expression, nextFiring, parseExpression, type Window } from './expression.ts';
import type { ScheduleStore, StoredSchedule } from './store.ts';
import { type FiringContext, isoSeconds, substitute, TargetFailure, type Targets } from './target.ts';

export interface RunnerDeps {
  readonly store: ScheduleStore;
  readonly clock: Clock;
  readonly targets: Targets;
  readonly log: (line: string) => void;
  /** The first retry's delay, doubled each retry up to `maxRetryDelayMs`. */
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  /** Called when an at() schedule with ActionAfterCompletion DELETE has fired. */
  readonly completed: (schedule: StoredSchedule) => Promise<void>;
}

export interface ScheduleStatus {
  readonly name: string;
  readonly group: string;
  readonly state: 'ENABLED' | 'DISABLED';
  /** ISO times; absent when there is none. */
  readonly nextFiring?: string;
  readonly lastScheduled?: string;
  readonly lastFiredAt?: string;
  readonly lastExecutionArn?: string;
  readonly lastError?: string;
  readonly missedNotFired: number;
}

/** The flexible window's offset of one firing: a hash of the schedule ARN and the time, so it is the same on every run. */
export function flexibleOffsetMs(schedule: StoredSchedule, scheduled: number): number {
  const minutes =
    schedule.FlexibleTimeWindow.Mode === 'FLEXIBLE'
      ? (schedule.FlexibleTimeWindow.MaximumWindowInMinutes ?? 0)
      : 0;
  if (minutes === 0) return 0;
  const digest = createHash('sha256').update(`${schedule.Arn}@${scheduled}`).digest();
  return (digest.readUInt32BE(0) % (minutes * 60)) * 1000;
}

export function windowOf(schedule: StoredSchedule): Window {
  return {
    anchor: schedule.StartDate ?? schedule.LastModificationDate,
    ...(schedule.StartDate === undefined ? {} : { startDate: schedule.StartDate }),
    ...(schedule.EndDate === undefined ? {} : { endDate: schedule.EndDate }),
  };
}

/** One attempt of the target now, outside the schedule's timing: the operator's "run now". */
export async function fireOnce(deps: RunnerDeps, schedule: StoredSchedule): Promise<string> {
  const context: FiringContext = {
    scheduleArn: schedule.Arn,
    scheduledTime: deps.clock.now(),
    executionId: randomUUID(),
    attempt: 1,
  };
  return deps.targets.invoke(schedule.Target, context);
}

export class ScheduleRunner {
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly expression: Expression;
  private next: number | undefined;
  private missed = 0;

  constructor(
    private readonly schedule: StoredSchedule,
    private readonly deps: RunnerDeps,
  ) {
    this.expression = parseExpression(schedule.ScheduleExpression);
  }

  start(): void {
    this.loop = this.run().catch((error: unknown) => {
      if (this.abort.signal.aborted) return;
      this.deps.log(`Scheduler ${this.schedule.Name}: runner stopped: ${describeFailure(error)}`);
    });
  }

  async stop(): Promise<void> {
    this.abort.abort(new Error('stopped'));
    await this.loop;
  }

  status(): ScheduleStatus {
    const s = this.schedule;
    const firing = this.deps.store.firing(s.GroupName, s.Name);
    return statusOf(s, firing, this.next, this.missed);
  }

  private nextAfter(after: number): number | undefined {
    return nextFiring(
      this.expression,
      this.schedule.ScheduleExpressionTimezone,
      windowOf(this.schedule),
      after,
    );
  }

  private async run(): Promise<void> {
    const s = this.schedule;
    const { clock, store, log } = this.deps;
    const recorded = store.firing(s.GroupName, s.Name).lastScheduled;
    // Nothing before the schedule's last change counts (a re-enabled schedule does not catch up);
    // a rate fires at once (at its anchor, the change itself), a cron or at() only strictly after.
    const since = this.expression.kind === 'rate' ? s.LastModificationDate - 1 : s.LastModificationDate;
    let last = Math.max(recorded ?? Number.NEGATIVE_INFINITY, since);
    const now = clock.now();
    const due: number[] = [];
    for (
      let t = this.nextAfter(last);
      t !== undefined && t <= now && due.length < 100_000;
      t = this.nextAfter(t)
    )
      due.push(t);
    const latest = due.at(-1);
    if (latest !== undefined) {
      this.missed = due.length - 1;
      if (due.length > 1)
        log(
          `Scheduler ${s.Name}: ${due.length - 1} firing(s) missed while the local cloud was down, from ${isoSeconds(due[0] ?? latest)}: not fired (AWS does not replay).`,
        );
      if (now - latest <= s.Target.RetryPolicy.MaximumEventAgeInSeconds * 1000) await this.fire(latest);
      else {
        log(
          `Scheduler ${s.Name}: the firing of ${isoSeconds(latest)} is older than MaximumEventAgeInSeconds: not fired.`,
        );
        this.missed += 1;
        await store.setFiring(s.GroupName, s.Name, {
          ...store.firing(s.GroupName, s.Name),
          lastScheduled: latest,
        });
      }
      last = latest;
    }
    for (;;) {
      this.next = this.nextAfter(last);
      if (this.next === undefined) return;
      const at = this.next + flexibleOffsetMs(s, this.next);
      await clock.sleep(Math.max(0, at - clock.now()), this.abort.signal);
      await this.fire(this.next);
      last = this.next;
      if (this.expression.kind === 'at') {
        this.next = undefined;
        if (s.ActionAfterCompletion === 'DELETE') await this.deps.completed(s);
        return;
      }
    }
  }

  /** One firing: attempts until one succeeds, the retries are spent, or the event is too old. */
  private async fire(scheduled: number): Promise<void> {
    const s = this.schedule;
    const { clock, store, targets, log } = this.deps;
    const executionId = randomUUID();
    const policy = s.Target.RetryPolicy;
    let delay = this.deps.retryDelayMs;
    let failure: TargetFailure | undefined;
    let condition = 'MaximumRetryAttempts';
    let attempt = 1;
    for (; ; attempt++) {
      try {
        const arn = await targets.invoke(s.Target, {
          scheduleArn: s.Arn,
          scheduledTime: scheduled,
          executionId,
          attempt,
        });
        await store.setFiring(s.GroupName, s.Name, {
          lastScheduled: scheduled,
          lastFiredAt: clock.now(),
          lastExecutionArn: arn,
        });
        log(`Scheduler ${s.Name}: fired for ${isoSeconds(scheduled)}: ${arn}`);
        return;
      } catch (error) {
        failure =
          error instanceof TargetFailure ? error : new TargetFailure('InternalError', describeFailure(error));
        log(`Scheduler ${s.Name}: attempt ${attempt} for ${isoSeconds(scheduled)} failed: ${failure.code}`);
      }
      if (attempt > policy.MaximumRetryAttempts) break;
      if (clock.now() + delay - scheduled > policy.MaximumEventAgeInSeconds * 1000) {
        condition = 'MaximumEventAgeInSeconds';
        break;
      }
      await clock.sleep(delay, this.abort.signal);
      delay = Math.min(delay * 2, this.deps.maxRetryDelayMs);
    }
    const lastError = `${failure.code}: ${failure.message}`;
    if (s.Target.DeadLetterConfig) {
      const context = { scheduleArn: s.Arn, scheduledTime: scheduled, executionId, attempt };
      try {
        await targets.deadLetter(s.Target.DeadLetterConfig.Arn, substitute(s.Target.Input ?? '{}', context), {
          ERROR_CODE: failure.code,
          ERROR_MESSAGE: failure.message,
          EXHAUSTED_RETRY_CONDITION: condition,
          RETRY_ATTEMPTS: String(attempt - 1),
          SCHEDULE_ARN: s.Arn,
          TARGET_ARN: s.Target.Arn,
        });
        log(
          `Scheduler ${s.Name}: gave up on ${isoSeconds(scheduled)} (${condition}); sent to the dead-letter queue.`,
        );
      } catch (error) {
        log(
          `Scheduler ${s.Name}: the dead-letter queue refused the event of ${isoSeconds(scheduled)}: ${describeFailure(error)}`,
        );
      }
    } else
      log(`Scheduler ${s.Name}: gave up on ${isoSeconds(scheduled)} (${condition}); no dead-letter queue.`);
    await store.setFiring(s.GroupName, s.Name, {
      ...store.firing(s.GroupName, s.Name),
      lastScheduled: scheduled,
      lastError,
    });
  }
}

export function statusOf(
  s: StoredSchedule,
  firing: ReturnType<ScheduleStore['firing']>,
  next: number | undefined,
  missed: number,
): ScheduleStatus {
  const iso = (ms: number | undefined) => (ms === undefined ? {} : { value: isoSeconds(ms) });
  return {
    name: s.Name,
    group: s.GroupName,
    state: s.State,
    ...(next === undefined || s.State !== 'ENABLED' ? {} : { nextFiring: iso(next).value }),
    ...(firing.lastScheduled === undefined ? {} : { lastScheduled: iso(firing.lastScheduled).value }),
    ...(firing.lastFiredAt === undefined ? {} : { lastFiredAt: iso(firing.lastFiredAt).value }),
    ...(firing.lastExecutionArn === undefined ? {} : { lastExecutionArn: firing.lastExecutionArn }),
    ...(firing.lastError === undefined ? {} : { lastError: firing.lastError }),
    missedNotFired: missed,
  };
}
