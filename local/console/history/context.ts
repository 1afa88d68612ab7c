/**
 * The context object (`$states.context`) each state run saw, rebuilt from the history and the
 * facts DescribeExecution adds: Execution (its members in the engine's order, states-binding.ts),
 * StateMachine, State (RetryCount kept by attempts.ts), Map.Item inside an iteration. A callback
 * task's Task.Token is added where its arguments show it (attempt-events.ts).
 */
import type { ExecutionFacts } from '../history.ts';

type Members = Record<string, unknown>;

/** `Execution` from ExecutionStarted (at `at`, with its parsed input and role). */
export function executionContext(
  facts: ExecutionFacts,
  at: Date,
  input: unknown,
  roleArn: string | undefined,
): Members {
  const arn = facts.executionArn;
  return {
    Id: arn,
    Input: input,
    StartTime: (facts.startDate ?? at).toISOString(),
    Name: facts.name ?? arn?.split(':')[7],
    RoleArn: roleArn,
    RedriveCount: facts.redriveCount ?? 0,
  };
}

/** `Execution` after an ExecutionRedriven: one more redrive (a new object; earlier runs keep theirs). */
export function redrivenContext(execution: Members): Members {
  return { ...execution, RedriveCount: Number(execution.RedriveCount ?? 0) + 1 };
}

/** `StateMachine`, from its ARN. */
export function machineContext(arn: string | undefined): Members {
  // arn:aws:states:<region>:<account>:stateMachine:<name>[:<version or alias>]
  return { Id: arn, Name: arn?.split(':')[6] };
}

/**
 * A state run's context object and its `State` member (whose RetryCount its attempts update;
 * only states that can retry have one, as in the engine's states-binding.ts).
 */
export function runContext(
  execution: Members,
  machine: Members,
  name: string,
  type: string,
  at: Date,
  item: Members | undefined,
): { context: Members; state: Members } {
  const retries = type === 'Task' || type === 'Parallel' || type === 'Map';
  const state: Members = { Name: name, EnteredTime: at.toISOString(), ...(retries ? { RetryCount: 0 } : {}) };
  const context: Members = { Execution: execution, StateMachine: machine, State: state };
  if (item) context.Map = { Item: item };
  return { context, state };
}
