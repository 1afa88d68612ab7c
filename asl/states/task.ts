/** Task (JSONata): https://states-language.net/spec.html#task-state */
import type { TaskState } from '../definition/types.ts';
import { type AttemptOutcome, withRetries } from '../fields/attempts.ts';
import { evaluateOptional } from '../fields/dynamic.ts';
import { type Evaluated, evaluateTemplate } from '../fields/evaluate.ts';
import { afterInputPath, applyParameters, evaluatePayloadField, pathData } from '../fields/paths.ts';
import type { Step, StepResult } from '../runtime/context.ts';
import { evaluationFailed } from '../runtime/events.ts';
import {
  bindings,
  type StatesBinding,
  statesBinding,
  withInput,
  withResult,
} from '../runtime/states-binding.ts';
import { type CallOutcome, type CallPlan, callTask } from './private/task-call.ts';

export function runTask(step: Step<TaskState>): Promise<StepResult> {
  return withRetries(step, (retryCount) => attempt(step, (step.retriesBefore ?? 0) + retryCount));
}

async function attempt(step: Step<TaskState>, retryCount: number): Promise<AttemptOutcome> {
  const { state, frame } = step;
  // A `.waitForTaskToken` task hands its token out and waits on it; a `.sync` task's context object
  // has one too (read as `$$.Task.Token`, recorded in callback.test_callback.test_sync_with_task_token),
  // though nothing waits on it.
  const { pattern } = state.resource;
  const token =
    pattern === 'waitForTaskToken' || pattern === 'sync' || pattern === 'sync:2'
      ? frame.run.env.entropy.token(
          `${frame.run.info.executionArn}|${step.site.enteredEventId}|${retryCount}`,
        )
      : undefined;
  const taskToken = pattern === 'waitForTaskToken' ? token : undefined;
  // The context object is built only if a field reads it.
  const states = statesBinding(step, { context: { retryCount, taskToken: token } });
  const plan = await planCall(step, states, taskToken);
  if (!plan.ok) return { kind: 'failed', failure: evaluationFailed(frame, step.site, plan.query) };
  if (step.inspection && !state.io) step.inspection.afterArguments = plan.value.arguments;
  const outcome: CallOutcome = await callTask(step, plan.value);
  if (outcome.kind === 'succeeded') {
    if (step.inspection) step.inspection.result = outcome.output;
    return { kind: 'succeeded', output: outcome.output, states: withResult(states, outcome.output) };
  }
  return outcome;
}

async function planCall(
  step: Step<TaskState>,
  states: StatesBinding,
  taskToken: string | undefined,
): Promise<Evaluated<CallPlan>> {
  const { state, site } = step;
  // `$states` for TimeoutSecondsPath and HeartbeatSecondsPath (a JSONPath task's: after InputPath).
  let fieldStates: StatesBinding = states;
  let credentials: unknown;
  // Without Arguments, a JSONata Task passes its input to the resource.
  let args: unknown = step.input;
  if (state.io) {
    // JSONPath: the resource gets the effective input (InputPath, then Parameters, which may read
    // `$$.Task.Token`); TimeoutSecondsPath and HeartbeatSecondsPath read the input after InputPath.
    const selected = afterInputPath(step, state.io, states);
    if (!selected.ok) return selected;
    const effective = applyParameters(step, state.io, selected.value, states);
    if (!effective.ok) return effective;
    args = effective.value;
    fieldStates = withInput(states, selected.value);
    if (state.credentialsPayload) {
      const r = evaluatePayloadField(step, state.credentialsPayload, pathData(step, selected.value, states));
      if (!r.ok) return r;
      credentials = r.value;
    }
  } else if (state.arguments) {
    const r = await evaluateTemplate(state.arguments, bindings(step, states), 'Arguments', site);
    if (!r.ok) return r;
    args = r.value;
  }
  if (state.credentials) {
    const r = await evaluateTemplate(state.credentials, bindings(step, states), 'Credentials', site);
    if (!r.ok) return r;
    credentials = r.value;
  }
  const timeout = await evaluateOptional(
    state.timeoutSeconds,
    fieldStates,
    'TimeoutSeconds',
    'integer',
    step,
  );
  if (!timeout.ok) return timeout;
  const heartbeat = await evaluateOptional(
    state.heartbeatSeconds,
    fieldStates,
    'HeartbeatSeconds',
    'integer',
    step,
  );
  if (!heartbeat.ok) return heartbeat;
  const timeoutSeconds = timeout.value;
  const heartbeatSeconds = heartbeat.value;
  return {
    ok: true,
    value: {
      arguments: args,
      ...(credentials !== undefined ? { credentials } : {}),
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      ...(heartbeatSeconds !== undefined ? { heartbeatSeconds } : {}),
      ...(taskToken !== undefined ? { taskToken } : {}),
    },
  };
}
