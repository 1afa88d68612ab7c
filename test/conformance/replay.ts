/**
 * A TaskRegistry that answers every Task call from a case's recorded history: TaskScheduled and
 * LambdaFunctionScheduled events and their outcomes (corpus README, `replayable`). The corpus
 * holds no ground truth for how a service behaves; it holds what the service answered.
 */
import type { TaskResource } from '../../asl/definition/types.ts';
import type { Failure } from '../../asl/runtime/outcome.ts';
import type { TaskHandler, TaskRegistry, TaskRequest, TaskResult } from '../../asl/services/types.ts';
import { Bindings, tryMatch } from './match.ts';
import type { NormalEvent } from './normalize.ts';
import { type Outcome, type RecordedCall, recordedCalls } from './recording.ts';

function servesResource(call: RecordedCall, resource: TaskResource): boolean {
  if (call.family === 'lambda-function') return resource.kind === 'lambda-function';
  const suffix = resource.pattern === 'request-response' ? '' : `.${resource.pattern}`;
  return (
    resource.kind === 'service' &&
    call.resourceType === resource.service &&
    call.resource === `${resource.action}${suffix}`
  );
}

function failureOf(outcome: { error?: string; cause?: unknown }): Failure {
  const cause =
    outcome.cause === undefined || typeof outcome.cause === 'string'
      ? outcome.cause
      : JSON.stringify(outcome.cause);
  // The corpus has failures without an error name (SendTaskFailure without `error`); Failure
  // requires one, so those are passed on as they were recorded, without it.
  return {
    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    ...(cause !== undefined ? { cause } : {}),
  } as Failure;
}

/** Never answers; settles only when the engine gives up on the call (its timeout, or an abort). */
function silence(signal: AbortSignal): Promise<TaskResult> {
  return new Promise((resolve) => {
    const settle = (): void => resolve({ ok: false, failure: { error: 'Replay.Abandoned' } });
    if (signal.aborted) settle();
    else signal.addEventListener('abort', settle, { once: true });
  });
}

function final(outcome: Outcome, signal: AbortSignal): Promise<TaskResult> {
  if (outcome.kind === 'succeeded') return Promise.resolve({ ok: true, output: outcome.output });
  if (outcome.kind === 'failed') return Promise.resolve({ ok: false, failure: failureOf(outcome) });
  return silence(signal);
}

export interface ReplayOptions {
  /** Answers a `.waitForTaskToken` task's token, as the recorded test did with SendTaskSuccess/Failure. */
  readonly answerToken?: (
    token: string,
    result: { ok: true; output: unknown } | { ok: false; failure: Failure },
  ) => void;
}

export class ReplayRegistry implements TaskRegistry {
  readonly calls: readonly RecordedCall[];
  private readonly used = new Set<RecordedCall>();
  /** What went wrong while replaying: calls the recording does not have. */
  readonly problems: string[] = [];

  constructor(
    events: readonly NormalEvent[],
    private readonly options: ReplayOptions = {},
  ) {
    this.calls = recordedCalls(events);
  }

  resolve(): TaskHandler {
    return (request) => this.answer(request);
  }

  /** Recorded calls the engine never made. */
  get unused(): RecordedCall[] {
    return this.calls.filter((c) => !this.used.has(c));
  }

  /**
   * The recorded call for a request: the next one in recorded order if it fits (resource, state,
   * arguments); else the first later one that fits (concurrent Map/Parallel order); else the next
   * one for the same resource, so that the history diff shows what the engine got wrong.
   */
  pick(request: TaskRequest): RecordedCall | undefined {
    const open = this.calls.filter((c) => !this.used.has(c));
    const fits = (c: RecordedCall): boolean =>
      servesResource(c, request.resource) &&
      (c.stateName === undefined || c.stateName === request.stateName) &&
      tryMatch(c.arguments, request.arguments, new Bindings());
    const call = open.find(fits) ?? open.find((c) => servesResource(c, request.resource)) ?? open[0];
    if (call) this.used.add(call);
    return call;
  }

  async answer(request: TaskRequest): Promise<TaskResult> {
    const call = this.pick(request);
    if (!call) {
      const problem = `state '${request.stateName}' called ${request.resource.arn}, but the recording has no call left`;
      this.problems.push(problem);
      return { ok: false, failure: { error: 'Replay.NoRecordedCall', cause: problem } };
    }
    const { outcome } = call;
    const callback = request.resource.pattern === 'waitForTaskToken';
    if (
      callback &&
      request.taskToken !== undefined &&
      outcome.kind !== 'silent' &&
      this.options.answerToken
    ) {
      const token = request.taskToken;
      const result =
        outcome.kind === 'succeeded'
          ? { ok: true as const, output: outcome.output }
          : { ok: false as const, failure: failureOf(outcome) };
      const answerToken = this.options.answerToken;
      queueMicrotask(() => {
        try {
          answerToken(token, result);
        } catch (error) {
          this.problems.push(
            `answering the task token of state '${request.stateName}' failed: ${String(error)}`,
          );
        }
      });
    }
    if (call.submitted !== undefined || callback) {
      return {
        ok: 'submitted',
        output: call.submitted?.output ?? null,
        completion: (signal) => final(outcome, signal),
      };
    }
    return final(outcome, request.signal);
  }
}
