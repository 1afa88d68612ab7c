/**
 * TestState: one state run once, alone, and what it did.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html
 *
 * The state runs through its own module, as in an execution, on a thread of its own whose scope
 * holds the given variables. Its Retry and Catch are decided here rather than in the module, so
 * the result says which applied: TestState does not retry (a failure the first matching retrier
 * would retry is RETRIABLE), and a failure a catcher handles is CAUGHT_ERROR with the catcher's
 * output and next state.
 */
import type { Catcher, Retrier, State } from '../definition/types.ts';
import { EngineBug } from '../errors.ts';
import { tryCatch } from '../fields/catch.ts';
import { errorMatches, nextRetry } from '../fields/retry.ts';
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

export interface TestStateOptions {
  /** The state, as parseState gives it. */
  readonly state: State;
  readonly input: unknown;
  /** The variables in scope when the state is entered. */
  readonly variables?: Readonly<Record<string, unknown>>;
  /** The role `$states.context.Execution.RoleArn` shows. */
  readonly roleArn?: string;
}

/** AWS's inspectionData, as values. */
export interface TestStateInspection {
  readonly input: unknown;
  /** What the resource or the branches received (Task, Parallel). */
  readonly afterArguments?: unknown;
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
  | { readonly status: 'FAILED'; readonly failure: Failure }
);

/** How the state's Retry and Catch take a failure of its own. */
type Handling =
  | { readonly kind: 'retriable'; readonly retryIndex: number; readonly delayMs: number }
  | { readonly kind: 'caught'; readonly failure: Failure; readonly catchIndex: number };

/** Runs `options.state` once with its input and variables and answers what it did. */
export async function testState(env: EngineEnvironment, options: TestStateOptions): Promise<TestStateResult> {
  const { state, input } = options;
  const inspection: Inspection = {};
  const runner = env.stateRunners[state.type] as StateRunner;
  let handling: Handling | undefined;
  const result = await visit(state, input, frameAlone(env, options), async (entered) => {
    const step: Step = { ...entered, state: withoutRetryAndCatch(state), inspection };
    const ran = await runner(step);
    if (ran.kind !== 'fail' || !('retry' in state)) return ran;
    handling = handle(state, ran.failure, env.entropy.random);
    if (handling?.kind !== 'caught') return ran;
    return (await tryCatch(step, state.catch, ran.failure)) ?? ran;
  });
  return outcome(result, handling, {
    input,
    ...inspection,
    variables: { ...options.variables, ...inspection.assigned },
  });
}

/** The first retrier that matches retries if it has attempts; otherwise the first matching catcher. */
function handle(
  rules: { readonly retry: readonly Retrier[]; readonly catch: readonly Catcher[] },
  failure: Failure,
  random: () => number,
): Handling | undefined {
  const delayMs = nextRetry(rules.retry, failure, [], random);
  if (delayMs !== undefined) {
    const retryIndex = rules.retry.findIndex((r) => errorMatches(r.errorEquals, failure.error));
    return { kind: 'retriable', retryIndex, delayMs };
  }
  const catchIndex = rules.catch.findIndex((c) => errorMatches(c.errorEquals, failure.error));
  return catchIndex >= 0 ? { kind: 'caught', failure, catchIndex } : undefined;
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
  const run: ExecutionRun = {
    env,
    info: executionInfo(env, options.roleArn !== undefined ? { roleArn: options.roleArn } : {}),
    input: options.input,
    history: new History(() => env.clock.now()),
    signal,
    transitions: 0,
    durable: () => Promise.resolve(),
  };
  const scope = new Scope(undefined, env.functions);
  if (options.variables) scope.assignAll(options.variables);
  return { run, scope, cursor: 0, signal, thread: '' };
}
