/**
 * TestState: one state run once, alone, and what it did.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html
 *
 * The state runs through its own module, as in an execution, on a thread of its own whose scope
 * holds the given variables. Its Retry and Catch are decided here rather than in the module, so
 * the result says which applied: TestState does not retry (a failure the first matching retrier
 * would retry is RETRIABLE), and a failure a catcher handles is CAUGHT_ERROR with the catcher's
 * output and next state.
 *
 * With a mock (TestState's `mock`), no service is called: every resource answers the mocked
 * result or fails with the mocked error, and a Map or Parallel state runs none of its
 * iterations or branches: the mock is its result, which its Output, Assign, Retry and Catch
 * take as usual. With a context (TestState's `context`), `$states.context` shows the execution,
 * state machine, state and task token it names.
 */
import type { Catcher, Retrier, State, TaskState } from '../definition/types.ts';
import { EngineBug } from '../errors.ts';
import { tryCatch } from '../fields/catch.ts';
import { errorMatches, nextRetry, type RetryCounters } from '../fields/retry.ts';
import type {
  EngineEnvironment,
  ExecutionRun,
  Frame,
  Inspection,
  StateRunner,
  Step,
  StepResult,
} from '../runtime/context.ts';
import { executionInfo } from '../runtime/execution.ts';
import { visit } from '../runtime/graph.ts';
import { History } from '../runtime/history.ts';
import type { Failure } from '../runtime/outcome.ts';
import { Scope } from '../runtime/scope.ts';
import { TaskTokens } from '../runtime/tokens.ts';
import type { TaskHandler } from '../services/types.ts';

export interface TestStateOptions {
  /** The state, as parseState gives it. */
  readonly state: State;
  readonly input: unknown;
  /** The variables in scope when the state is entered. */
  readonly variables?: Readonly<Record<string, unknown>>;
  /** The role `$states.context.Execution.RoleArn` shows. */
  readonly roleArn?: string;
  /** What every resource answers instead of being called. */
  readonly mock?: TestStateMock;
  /** What `$states.context` shows; the state's name is `state.name`. */
  readonly context?: TestStateContext;
  /**
   * Retries the retrier that matches the failure has already made (AWS's retrierRetryCount):
   * whether it retries again, and after how long.
   */
  readonly retrierRetryCount?: number;
}

/** A mocked result, or a mocked failure. */
export type TestStateMock = { readonly result: unknown } | { readonly failure: Failure };

/** The context object's fields a TestState request may give; the others are the engine's own. */
export interface TestStateContext {
  readonly execution?: {
    readonly id?: string;
    readonly name?: string;
    readonly roleArn?: string;
    /** Epoch milliseconds. */
    readonly startTime?: number;
    readonly redriveCount?: number;
    /** Present (as a key) when the context gives Execution.Input. */
    readonly input?: unknown;
  };
  readonly stateMachine?: { readonly id?: string; readonly name?: string };
  /** Epoch milliseconds. */
  readonly enteredTime?: number;
  readonly retryCount?: number;
  readonly taskToken?: string;
}

/** AWS's inspectionData, as values. */
export interface TestStateInspection {
  readonly input: unknown;
  /** What the resource or the branches received (Task, Parallel). */
  readonly afterArguments?: unknown;
  /** JSONPath states: the data after each of InputPath, Parameters, ResultSelector, ResultPath. */
  readonly afterInputPath?: unknown;
  readonly afterParameters?: unknown;
  readonly afterResultSelector?: unknown;
  readonly afterResultPath?: unknown;
  /** The raw result before Output (Task, Parallel, Map), when there was one. */
  readonly result?: unknown;
  /** What the state's Assign, or its catcher's, assigned. */
  readonly assigned?: Readonly<Record<string, unknown>>;
  /** Every variable after the state: the given ones with the assigned ones over them. */
  readonly variables: Readonly<Record<string, unknown>>;
}

export type TestStateResult = { readonly inspection: TestStateInspection } & (
  | { readonly status: 'SUCCEEDED'; readonly output: unknown; readonly next?: string }
  | {
      readonly status: 'CAUGHT_ERROR';
      readonly failure: Failure;
      readonly catchIndex: number;
      readonly output: unknown;
      readonly next?: string;
    }
  | {
      readonly status: 'RETRIABLE';
      readonly failure: Failure;
      readonly retryIndex: number;
      /** How long the engine would wait before the retry. */
      readonly retryDelaySeconds: number;
    }
  | {
      readonly status: 'FAILED';
      readonly failure: Failure;
      /** The retrier that matched but had no attempts left. */
      readonly retryIndex?: number;
    }
);

/** How the state's Retry and Catch take a failure of its own. */
type Handling =
  | { readonly kind: 'retriable'; readonly retryIndex: number; readonly delayMs: number }
  | { readonly kind: 'caught'; readonly failure: Failure; readonly catchIndex: number }
  | { readonly kind: 'exhausted'; readonly retryIndex: number };

/** Runs `options.state` once with its input and variables and answers what it did. */
export async function testState(env: EngineEnvironment, options: TestStateOptions): Promise<TestStateResult> {
  const { input, context } = options;
  const tested = options.mock ? mockedState(options.state) : options.state;
  const testEnv = isolated(env, options);
  const inspection: Inspection = {};
  const runner = testEnv.stateRunners[tested.type] as StateRunner;
  const retries = options.retrierRetryCount ?? context?.retryCount ?? 0;
  let handling: Handling | undefined;
  const result = await visit(tested, input, frameAlone(testEnv, options), async (entered) => {
    const step: Step = {
      ...entered,
      ...(context?.enteredTime !== undefined ? { enteredTime: context.enteredTime } : {}),
      retriesBefore: context?.retryCount ?? retries,
      state: withoutRetryAndCatch(tested),
      inspection,
    };
    const ran = await runner(step);
    if (ran.kind !== 'fail' || !('retry' in tested)) return ran;
    handling = handle(tested, ran.failure, retries, testEnv.entropy.random);
    if (handling?.kind !== 'caught') return ran;
    return (await tryCatch(step, tested.catch, ran.failure)) ?? ran;
  });
  // A mocked Map has no Arguments: what its stand-in Task passed on is not AWS's afterArguments.
  if (options.mock && options.state.type === 'Map') delete inspection.afterArguments;
  return outcome(result, handling, {
    input,
    ...inspection,
    variables: { ...options.variables, ...inspection.assigned },
  });
}

/**
 * A mocked Map or Parallel runs as a Task with its Arguments, Output, Assign, Retry and Catch
 * whose resource answers the mock: its iterations or branches do not run.
 */
function mockedState(state: State): State {
  if (state.type !== 'Map' && state.type !== 'Parallel') return state;
  const { name, comment, queryLanguage, output, assign, transition, retry } = state;
  const task: TaskState = {
    type: 'Task',
    name,
    queryLanguage,
    transition,
    retry,
    catch: state.catch,
    resource: {
      arn: MOCKED_RESOURCE,
      kind: 'service',
      service: 'mock',
      action: 'mock',
      pattern: 'request-response',
    },
    ...(comment !== undefined ? { comment } : {}),
    ...(output !== undefined ? { output } : {}),
    ...(assign !== undefined ? { assign } : {}),
    ...(state.type === 'Parallel' && state.arguments !== undefined ? { arguments: state.arguments } : {}),
  };
  return task;
}

const MOCKED_RESOURCE = 'arn:aws:states:::testState:mock';

/**
 * The environment the state runs in: with a mock, every resource answers it and task tokens are
 * the test's own; with a context, its task token is the one handed out.
 */
function isolated(env: EngineEnvironment, options: TestStateOptions): EngineEnvironment {
  const { mock, context } = options;
  if (!mock && context?.taskToken === undefined) return env;
  const tokens = mock ? new TaskTokens() : env.tokens;
  const token = context?.taskToken;
  const entropy = env.entropy;
  return {
    ...env,
    ...(mock ? { tasks: { resolve: () => mockHandler(tokens, mock) }, tokens } : {}),
    ...(token !== undefined
      ? { entropy: { uuid: () => entropy.uuid(), random: () => entropy.random(), token: () => token } }
      : {}),
  };
}

/** Answers the mock. A `.waitForTaskToken` call is answered through its token, as a worker would. */
function mockHandler(tokens: TaskTokens, mock: TestStateMock): TaskHandler {
  return async (request) => {
    if ('failure' in mock) return { ok: false, failure: mock.failure };
    if (request.taskToken === undefined) return { ok: true, output: mock.result };
    void tokens.succeed(request.taskToken, mock.result);
    return { ok: true, output: {} };
  };
}

/**
 * The first retrier that matches retries if it has attempts left after the `retries` already
 * made; otherwise the first matching catcher.
 */
function handle(
  rules: { readonly retry: readonly Retrier[]; readonly catch: readonly Catcher[] },
  failure: Failure,
  retries: number,
  random: () => number,
): Handling | undefined {
  const retryIndex = rules.retry.findIndex((r) => errorMatches(r.errorEquals, failure.error));
  if (retryIndex >= 0) {
    const counters: RetryCounters = [];
    counters[retryIndex] = retries;
    const delayMs = nextRetry(rules.retry, failure, counters, random);
    if (delayMs !== undefined) return { kind: 'retriable', retryIndex, delayMs };
  }
  const catchIndex = rules.catch.findIndex((c) => errorMatches(c.errorEquals, failure.error));
  if (catchIndex >= 0) return { kind: 'caught', failure, catchIndex };
  return retryIndex >= 0 ? { kind: 'exhausted', retryIndex } : undefined;
}

function outcome(
  result: StepResult,
  handling: Handling | undefined,
  inspection: TestStateInspection,
): TestStateResult {
  switch (result.kind) {
    case 'aborted':
      throw new EngineBug('a state tested alone was aborted, but nothing can stop its thread');
    case 'fail':
      // A retriable failure comes back as the state's own. A caught one can still fail after the
      // catch (the catcher's output over the payload limit), as in an execution: that is FAILED.
      if (handling?.kind === 'retriable') {
        const { retryIndex, delayMs } = handling;
        const failure = result.failure;
        return { status: 'RETRIABLE', failure, retryIndex, retryDelaySeconds: delayMs / 1000, inspection };
      }
      if (handling?.kind === 'exhausted') {
        return { status: 'FAILED', failure: result.failure, retryIndex: handling.retryIndex, inspection };
      }
      return { status: 'FAILED', failure: result.failure, inspection };
    case 'next':
    case 'end': {
      const { output } = result;
      const next = result.kind === 'next' ? { next: result.next } : {};
      if (handling?.kind !== 'caught') return { status: 'SUCCEEDED', output, ...next, inspection };
      const { failure, catchIndex } = handling;
      return { status: 'CAUGHT_ERROR', failure, catchIndex, output, ...next, inspection };
    }
  }
}

/** The state without Retry and Catch, which testState decides itself. */
function withoutRetryAndCatch(state: State): State {
  return 'retry' in state ? { ...state, retry: [], catch: [] } : state;
}

/**
 * A thread of its own for the state. Its history is only where the state modules write their
 * events as they go; nothing reads it back.
 */
function frameAlone(env: EngineEnvironment, options: TestStateOptions): Frame {
  const signal = new AbortController().signal;
  const execution = options.context?.execution;
  const machine = options.context?.stateMachine;
  const info = executionInfo(env, {
    ...(options.roleArn !== undefined ? { roleArn: options.roleArn } : {}),
    ...(execution?.roleArn !== undefined ? { roleArn: execution.roleArn } : {}),
    ...(execution?.name !== undefined ? { name: execution.name } : {}),
    ...(execution?.startTime !== undefined ? { startTime: execution.startTime } : {}),
    ...(execution?.redriveCount !== undefined ? { redriveCount: execution.redriveCount } : {}),
    ...(machine?.id !== undefined ? { stateMachineArn: machine.id } : {}),
    ...(machine?.name !== undefined ? { stateMachineName: machine.name } : {}),
  });
  const run: ExecutionRun = {
    env,
    info: execution?.id !== undefined ? { ...info, executionArn: execution.id } : info,
    input: execution && 'input' in execution ? execution.input : options.input,
    history: new History(() => env.clock.now()),
    signal,
    transitions: 0,
    durable: () => Promise.resolve(),
  };
  const scope = new Scope(undefined, env.functions);
  if (options.variables) scope.assignAll(options.variables);
  return { run, scope, cursor: 0, signal, thread: '' };
}
