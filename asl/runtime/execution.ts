/**
 * Running one execution to its end: ExecutionStarted, the top-level graph, and the closing
 * ExecutionSucceeded / Failed / TimedOut / Aborted event.
 */
import type { StateMachineDefinition } from '../definition/types.ts';
import { InvalidExecutionInput } from '../errors.ts';
import type { ExecutionInfo } from '../services/types.ts';
import type { EngineEnvironment, ExecutionRun, Frame } from './context.ts';
import { runGraph } from './graph.ts';
import { History, type HistoryEvent, type HistorySink, payload, type RecordedEvent } from './history.ts';
import { StatesError } from './outcome.ts';
import { byteLength, toJsonText } from './payload.ts';
import { Scope } from './scope.ts';

export type ExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionResult {
  readonly status: ExecutionStatus;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly events: readonly HistoryEvent[];
  /** State transitions as AWS bills them. */
  readonly transitions: number;
}

export interface StartOptions {
  readonly definition: StateMachineDefinition;
  readonly input: unknown;
  readonly name?: string;
  /** The execution's ARN when the caller named it (the local endpoint does, for Express). */
  readonly executionArn?: string;
  readonly stateMachineName?: string;
  readonly stateMachineArn?: string;
  readonly roleArn?: string;
  readonly type?: 'STANDARD' | 'EXPRESS';
  readonly redriveCount?: number;
  /** Started by StartSyncExecution: its context object has no Execution.RedriveCount (recorded). */
  readonly synchronous?: boolean;
  /** Aborting it stops the execution (StopExecution). */
  readonly signal?: AbortSignal;
  /** Called with every event as it is appended, with its thread (for a durable store). */
  readonly onEvent?: HistorySink;
  /**
   * Resolves when every event passed to `onEvent` so far is durable. The engine waits for it
   * before anything depends on an event: a Task's call starts only once its TaskScheduled is
   * stored, and a task token's answer is acknowledged only once its outcome is.
   */
  readonly durable?: () => Promise<void>;
  /** When the execution started (epoch ms); a resumed execution keeps its original start. */
  readonly startTime?: number;
  /**
   * Resume an execution from its recorded history (e.g. after a restart): the engine runs the
   * definition again, matching each thread's recorded events instead of appending them, reusing
   * recorded task results and state outputs, and carries on from where the history ends.
   */
  readonly recorded?: readonly RecordedEvent[];
  /**
   * RedriveExecution: `recorded` is the history planned by redrivePlan, and ExecutionRedriven
   * (with `redriveCount`) is appended after it before the unsuccessful states run again.
   */
  readonly redrive?: boolean;
  /**
   * When the current attempt began (epoch ms; the last redrive's date): the machine's
   * TimeoutSeconds counts from it, not from the original start. Defaults to the start time.
   */
  readonly attemptStart?: number;
}

/** Who an execution is: its names, ARNs, role and start, from the options that name them. */
export function executionInfo(
  env: EngineEnvironment,
  options: Omit<StartOptions, 'definition' | 'input'>,
): ExecutionInfo {
  const machine = options.stateMachineName ?? 'StateMachine';
  const stateMachineArn =
    options.stateMachineArn ?? `arn:aws:states:${env.region}:${env.account}:stateMachine:${machine}`;
  const name = options.name ?? env.entropy.uuid();
  return {
    executionArn:
      options.executionArn ??
      (options.type === 'EXPRESS'
        ? // An Express execution's ARN ends in a unique id of its own, as on AWS.
          `${stateMachineArn.replace(':stateMachine:', ':express:')}:${name}:${env.entropy.uuid()}`
        : `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`),
    name,
    stateMachineArn,
    stateMachineName: machine,
    roleArn: options.roleArn ?? `arn:aws:iam::${env.account}:role/StepFunctionsExecutionRole`,
    region: env.region,
    account: env.account,
    startTime: options.startTime ?? env.clock.now(),
    type: options.type ?? 'STANDARD',
    redriveCount: options.redriveCount ?? 0,
    ...(options.synchronous ? { synchronous: true } : {}),
  };
}

/** Runs an execution to its end and answers its result and history. */
export async function execute(env: EngineEnvironment, options: StartOptions): Promise<ExecutionResult> {
  const inputJson = toJsonText(options.input);
  if (byteLength(inputJson) > env.limits.maxPayloadBytes) {
    throw new InvalidExecutionInput(
      `The execution input is ${byteLength(inputJson)} bytes; Step Functions accepts at most ${env.limits.maxPayloadBytes}. Pass a reference (an S3 key, a table key) instead of the data.`,
    );
  }
  const info = executionInfo(env, options);
  const history = new History(() => env.clock.now(), options.recorded);
  if (options.onEvent) history.subscribe(options.onEvent);
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const run: ExecutionRun = {
    env,
    info,
    input: options.input,
    history,
    signal,
    transitions: 0,
    durable: options.durable ?? (() => Promise.resolve()),
  };
  history.append('ExecutionStarted', 0, {
    executionStartedEventDetails: { ...payload('input', inputJson), roleArn: info.roleArn },
  });
  if (options.redrive) {
    // Linked to the event that closed the previous attempt: the last one of the history.
    history.appendNew('ExecutionRedriven', history.length, {
      executionRedrivenEventDetails: { redriveCount: info.redriveCount },
    });
  }
  // AWS links the first state's StateEntered to no event (previousEventId 0), not to ExecutionStarted.
  const frame: Frame = { run, scope: new Scope(undefined, env.functions), cursor: 0, signal, thread: '' };
  // AWS fails an execution whose history reaches the limit; stop all threads when it does.
  const eventsLimit = env.limits.maxHistoryEvents;
  let limitReached = false;
  history.subscribe(() => {
    if (!limitReached && history.length >= eventsLimit - 1) {
      limitReached = true;
      stop.abort();
    }
  });

  const outcome = await withTimeout(
    env,
    options.attemptStart ?? info.startTime,
    options.definition.timeoutSeconds,
    stop,
    () => runGraph(options.definition, options.input, frame),
  );
  if (limitReached) {
    const cause = `The execution reached the maximum number of history events (${eventsLimit}).`;
    history.append('ExecutionFailed', frame.cursor, {
      executionFailedEventDetails: { error: StatesError.Runtime, cause },
    });
    return {
      status: 'FAILED',
      error: StatesError.Runtime,
      cause,
      events: history.events,
      transitions: run.transitions,
    };
  }
  switch (outcome.kind) {
    case 'succeeded': {
      const output = toJsonText(outcome.output);
      history.append('ExecutionSucceeded', frame.cursor, {
        executionSucceededEventDetails: payload('output', output),
      });
      return {
        status: 'SUCCEEDED',
        output: outcome.output,
        events: history.events,
        transitions: run.transitions,
      };
    }
    case 'failed': {
      const { error, cause } = outcome.failure;
      history.append('ExecutionFailed', frame.cursor, {
        executionFailedEventDetails: {
          ...(error !== undefined ? { error } : {}),
          ...(cause !== undefined ? { cause } : {}),
        },
      });
      return {
        status: 'FAILED',
        ...(error !== undefined ? { error } : {}),
        ...(cause !== undefined ? { cause } : {}),
        events: history.events,
        transitions: run.transitions,
      };
    }
    case 'timed-out': {
      history.append('ExecutionTimedOut', frame.cursor, {
        executionTimedOutEventDetails: { error: StatesError.Timeout },
      });
      return {
        status: 'TIMED_OUT',
        error: StatesError.Timeout,
        events: history.events,
        transitions: run.transitions,
      };
    }
    case 'aborted': {
      // StopExecution's error and cause, when the stop gave them (the signal's reason).
      const reason = (options.signal?.reason ?? {}) as { error?: unknown; cause?: unknown };
      const details = {
        ...(typeof reason.error === 'string' ? { error: reason.error } : {}),
        ...(typeof reason.cause === 'string' ? { cause: reason.cause } : {}),
      };
      history.append('ExecutionAborted', frame.cursor, { executionAbortedEventDetails: details });
      return { status: 'ABORTED', ...details, events: history.events, transitions: run.transitions };
    }
  }
}

type Finished = Awaited<ReturnType<typeof runGraph>> | { kind: 'timed-out' };

/** The machine-level TimeoutSeconds: stops the execution and reports TIMED_OUT. */
async function withTimeout(
  env: EngineEnvironment,
  startTime: number,
  timeoutSeconds: number | undefined,
  stop: AbortController,
  work: () => Promise<Awaited<ReturnType<typeof runGraph>>>,
): Promise<Finished> {
  if (timeoutSeconds === undefined) return work();
  const timer = new AbortController();
  let timedOut = false;
  env.clock.sleep(startTime + timeoutSeconds * 1000 - env.clock.now(), timer.signal).then(
    () => {
      timedOut = true;
      stop.abort();
    },
    () => {},
  );
  try {
    const outcome = await work();
    return timedOut ? { kind: 'timed-out' } : outcome;
  } finally {
    timer.abort();
  }
}
