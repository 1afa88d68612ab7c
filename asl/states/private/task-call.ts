/**
 * One attempt of a Task: the Scheduled/Started/Submitted events, the call through the service
 * registry, the timeout and heartbeat, and the callback token of `.waitForTaskToken`.
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html
 */
import { resourceLabels } from '../../definition/resource.ts';
import type { TaskState } from '../../definition/types.ts';
import type { Step } from '../../runtime/context.ts';
import { append } from '../../runtime/events.ts';
import { NOT_TRUNCATED, payload } from '../../runtime/history.ts';
import { type Failure, StatesError } from '../../runtime/outcome.ts';
import { checkPayload, toJsonText } from '../../runtime/payload.ts';
import type { TaskTokens, TokenAnswer } from '../../runtime/tokens.ts';
import type { TaskRequest, TaskResult } from '../../services/types.ts';
import { raceWithTimeout } from './task-race.ts';
import { replayed } from './task-replay.ts';

/** AWS's default when a Task has no TimeoutSeconds: effectively none. */
export const DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;

export interface CallPlan {
  readonly arguments: unknown;
  readonly credentials?: unknown;
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
  readonly taskToken?: string;
}

export type CallOutcome =
  | { readonly kind: 'succeeded'; readonly output: unknown }
  | { readonly kind: 'failed'; readonly failure: Failure }
  | { readonly kind: 'aborted' };

export async function callTask(step: Step<TaskState>, plan: CallPlan): Promise<CallOutcome> {
  const { state, frame } = step;
  const { env, info } = frame.run;
  const resource = state.resource;
  const lambdaFunction = resource.kind === 'lambda-function';
  const labels = resourceLabels(resource);
  const region = resource.region ?? env.region;
  const parameters = toJsonText(plan.arguments);
  const taskCredentials = credentialsDetails(plan.credentials);

  let scheduled: number;
  if (lambdaFunction) {
    const details: Record<string, unknown> = {
      resource: resource.arn,
      input: parameters,
      inputDetails: NOT_TRUNCATED,
    };
    if (plan.timeoutSeconds !== undefined) details.timeoutInSeconds = plan.timeoutSeconds;
    if (taskCredentials) details.taskCredentials = taskCredentials;
    scheduled = append(frame, 'LambdaFunctionScheduled', { lambdaFunctionScheduledEventDetails: details });
    append(frame, 'LambdaFunctionStarted');
  } else {
    const details: Record<string, unknown> = {
      resourceType: labels.resourceType,
      resource: labels.resource,
      region,
      parameters,
    };
    if (plan.timeoutSeconds !== undefined) details.timeoutInSeconds = plan.timeoutSeconds;
    if (plan.heartbeatSeconds !== undefined) details.heartbeatInSeconds = plan.heartbeatSeconds;
    if (taskCredentials) details.taskCredentials = taskCredentials;
    scheduled = append(frame, 'TaskScheduled', { taskScheduledEventDetails: details });
    append(frame, 'TaskStarted', { taskStartedEventDetails: { ...labels } });
  }

  const handler = env.tasks.resolve(resource);
  if (!handler) {
    return failed(step, labels, {
      error: StatesError.Runtime,
      cause: `No integration serves the resource '${resource.arn}'. Register a handler for it in the engine's task registry.`,
    });
  }

  const abort = new AttemptAbort(frame.signal);
  const timeoutMs = (plan.timeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS) * 1000;
  // A resumed task keeps the deadline it was scheduled with.
  const deadline = (frame.run.history.timestampOf(scheduled) ?? env.clock.now()) + timeoutMs;

  const callback =
    plan.taskToken !== undefined
      ? new CallbackWait(env.tokens, plan.taskToken, info.executionArn)
      : undefined;
  const answer = callback?.answer;

  try {
    const request: TaskRequest = {
      resource,
      // A copy, read back from the JSON text TaskScheduled records: what AWS hands an integration.
      // The evaluated object may be shared (a Parallel's branches get one input), and an
      // integration that changed it would change data other states hold and have recorded.
      arguments: JSON.parse(parameters),
      ...(plan.credentials !== undefined ? { credentials: plan.credentials } : {}),
      region,
      ...(plan.taskToken !== undefined ? { taskToken: plan.taskToken } : {}),
      ...(plan.timeoutSeconds !== undefined ? { timeoutSeconds: plan.timeoutSeconds } : {}),
      ...(plan.heartbeatSeconds !== undefined ? { heartbeatSeconds: plan.heartbeatSeconds } : {}),
      get signal() {
        return abort.signal;
      },
      execution: info,
      stateName: state.name,
    };
    let race = replayed(step, request, handler);
    if (race === undefined) {
      // The call is a side effect: it starts only once TaskScheduled is stored, so a crash can
      // make it again only while it is in flight, never after its result was recorded.
      await frame.run.durable();
      // Stopped while TaskScheduled was being stored: the call is not made.
      race = frame.signal.aborted
        ? { kind: 'aborted' }
        : await raceWithTimeout(step, handler(request), deadline);
    }

    if (race.kind === 'result' && race.result.ok !== false && (race.result.ok === 'submitted' || answer)) {
      // Submitted (.sync) or callback (.waitForTaskToken): record the call, then wait for the end.
      const submitted = race.result;
      append(frame, 'TaskSubmitted', {
        taskSubmittedEventDetails: { ...labels, ...payload('output', toJsonText(submitted.output)) },
      });
      const completion = (): Promise<TaskResult> =>
        answer
          ? answer.then((a) => (a.ok ? { ok: true, output: a.output } : { ok: false, failure: a.failure }))
          : submitted.ok === 'submitted'
            ? submitted.completion(abort.signal)
            : Promise.resolve(submitted);
      const heartbeatMs = plan.heartbeatSeconds !== undefined ? plan.heartbeatSeconds * 1000 : undefined;
      race =
        replayed(step, request, handler) ??
        (await raceWithTimeout(step, completion(), deadline, heartbeatMs, (beat) =>
          callback?.onHeartbeat(beat),
        ));
    }

    switch (race.kind) {
      case 'aborted':
        append(frame, 'TaskStateAborted');
        return { kind: 'aborted' };
      case 'timeout':
        if (lambdaFunction) {
          append(frame, 'LambdaFunctionTimedOut', {
            lambdaFunctionTimedOutEventDetails: { error: race.error },
          });
        } else {
          append(frame, 'TaskTimedOut', { taskTimedOutEventDetails: { ...labels, error: race.error } });
        }
        return { kind: 'failed', failure: { error: race.error } };
      case 'result': {
        const result = race.result;
        if (result.ok === false) return failed(step, labels, result.failure);
        const output = toJsonText(result.output);
        const tooLarge = checkPayload(step, output);
        if (tooLarge) return failed(step, labels, tooLarge);
        if (lambdaFunction) {
          append(frame, 'LambdaFunctionSucceeded', {
            lambdaFunctionSucceededEventDetails: payload('output', output),
          });
        } else {
          append(frame, 'TaskSucceeded', {
            taskSucceededEventDetails: {
              resourceType: labels.resourceType,
              resource: labels.resource,
              output,
              outputDetails: NOT_TRUNCATED,
            },
          });
        }
        return { kind: 'succeeded', output: result.output };
      }
    }
    return race satisfies never;
  } finally {
    abort.end();
    // The outcome event is appended by now: an answered token is acknowledged once it is stored.
    callback?.close(frame.run.durable());
  }
}

function failed(
  step: Step<TaskState>,
  labels: { resourceType: string; resource: string },
  failure: Failure,
): CallOutcome {
  const details = {
    ...(failure.error !== undefined ? { error: failure.error } : {}),
    ...(failure.cause !== undefined ? { cause: failure.cause } : {}),
  };
  if (step.state.resource.kind === 'lambda-function') {
    append(step.frame, 'LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: details });
  } else {
    append(step.frame, 'TaskFailed', { taskFailedEventDetails: { ...labels, ...details } });
  }
  return { kind: 'failed', failure };
}

/** Credentials `{ RoleArn }` appear in TaskScheduled as `taskCredentials: { roleArn }`. */
function credentialsDetails(credentials: unknown): { roleArn: string } | undefined {
  if (typeof credentials !== 'object' || credentials === null) return undefined;
  const roleArn = (credentials as { RoleArn?: unknown }).RoleArn;
  return typeof roleArn === 'string' ? { roleArn } : undefined;
}

/** The attempt's abort reason, made once: a DOMException per Task captures a stack each time. */
const ATTEMPT_OVER = new DOMException('The task attempt is over', 'AbortError');

/**
 * A `.waitForTaskToken` attempt's token. It is registered before the call, so an answer that
 * arrives first is kept; the answerer is acknowledged once the task's outcome is durable.
 */
class CallbackWait {
  readonly answer: Promise<TokenAnswer>;
  readonly #outcomeRecorded: Promise<void>;
  #recorded: () => void = noop;
  #unregister: () => void = noop;
  #heartbeat: () => void = noop;

  constructor(tokens: TaskTokens, token: string, executionArn: string) {
    this.#outcomeRecorded = new Promise<void>((resolve) => {
      this.#recorded = resolve;
    });
    this.answer = new Promise<TokenAnswer>((resolve) => {
      this.#unregister = tokens.register(token, {
        executionArn,
        answer: (a) => {
          resolve(a);
          return this.#outcomeRecorded;
        },
        heartbeat: () => this.#heartbeat(),
      });
    });
  }

  /** What SendTaskHeartbeat calls: the race's restart of the heartbeat countdown. */
  onHeartbeat(beat: () => void): void {
    this.#heartbeat = beat;
  }

  /** The attempt is over: the token is retired, and its answerer acknowledged once `durable` resolves. */
  close(durable: Promise<void>): void {
    this.#unregister();
    void durable.then(this.#recorded, this.#recorded);
  }
}

function noop(): void {}

/**
 * The signal a Task attempt hands its integration (TaskRequest.signal): aborted when the thread
 * stops (with its reason) and when the attempt is over (timed out, or decided). It is made only
 * if the integration reads it: an AbortController and the DOM event of its abort cost about
 * 10 µs, more than a whole Pass state, and most integrations answer without looking at it.
 */
class AttemptAbort {
  #controller: AbortController | undefined;
  #over = false;
  readonly #thread: AbortSignal;

  constructor(thread: AbortSignal) {
    this.#thread = thread;
  }

  get signal(): AbortSignal {
    if (this.#controller) return this.#controller.signal;
    const controller = new AbortController();
    this.#controller = controller;
    if (this.#thread.aborted) controller.abort(this.#thread.reason);
    else if (this.#over) controller.abort(ATTEMPT_OVER);
    else this.#thread.addEventListener('abort', this, { once: true });
    return controller.signal;
  }

  /** The thread stopped (this object listens to its abort): the integration is told why. */
  handleEvent(): void {
    this.#controller?.abort(this.#thread.reason);
  }

  /** The attempt is over: an integration still at work is told to stop. */
  end(): void {
    if (this.#over) return;
    this.#over = true;
    if (!this.#controller) return;
    this.#thread.removeEventListener('abort', this);
    this.#controller.abort(ATTEMPT_OVER);
  }
}
