/** Wait: https://states-language.net/spec.html#wait-state */
import type { WaitState } from '../definition/types.ts';
import { evaluateDynamic } from '../fields/dynamic.ts';
import { queryFailure } from '../fields/evaluate.ts';
import { leave } from '../fields/leave.ts';
import { runtimeFailure, workingInput } from '../fields/paths.ts';
import type { Step, StepResult } from '../runtime/context.ts';
import { append, evaluationFailed } from '../runtime/events.ts';
import { pause } from '../runtime/pause.ts';
import { statesBinding } from '../runtime/states-binding.ts';
import { nextOf } from '../runtime/transition.ts';
import { parseTimestamp, toMillis } from '../timestamp.ts';

const MAX_WAIT_SECONDS = 2 ** 31 - 1;

export async function runWait(step: Step<WaitState>): Promise<StepResult> {
  const { state, frame, site } = step;
  // JSONPath: SecondsPath and TimestampPath read the effective input (after InputPath).
  const input = workingInput(step);
  if (!input.ok) return { kind: 'fail', failure: evaluationFailed(frame, site, input.query) };
  const states = statesBinding(step, { input: input.value });
  const clock = frame.run.env.clock;
  let until: number;
  if ('seconds' in state.wait) {
    const r = await evaluateDynamic(state.wait.seconds, states, 'Seconds', 'integer', step);
    if (!r.ok) return { kind: 'fail', failure: evaluationFailed(frame, site, r.query) };
    until = step.enteredTime + r.value * 1000;
  } else {
    const r = await evaluateDynamic(state.wait.timestamp, states, 'Timestamp', 'string', step);
    if (!r.ok) return { kind: 'fail', failure: evaluationFailed(frame, site, r.query) };
    const instant = parseTimestamp(r.value);
    const at = instant === undefined ? undefined : toMillis(instant);
    const { timestamp } = state.wait;
    if (at === undefined && timestamp.kind === 'jsonpath' && timestamp.template.kind === 'path') {
      const message = `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${timestamp.template.path.source} == ${r.value}`;
      return { kind: 'fail', failure: evaluationFailed(frame, site, runtimeFailure(site, message).query) };
    }
    if (at === undefined) {
      const bad = queryFailure(
        site,
        'Timestamp',
        `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${r.value}`,
      );
      // Unlike expression failures, AWS links this one to the WaitStateEntered event.
      return { kind: 'fail', failure: evaluationFailed(frame, site, bad.query, frame.cursor) };
    }
    // AWS waits at most 2^31 - 1 seconds (a timestamp 24,856 days ahead fails, 24,855 waits; recorded).
    if ((at - clock.now()) / 1000 > MAX_WAIT_SECONDS) {
      return {
        kind: 'fail',
        failure: evaluationFailed(frame, site, runtimeFailure(site, 'Wait state delay is too long.').query),
      };
    }
    until = at;
  }
  if (!(await pause(frame, until - clock.now()))) {
    append(frame, 'WaitStateAborted');
    return { kind: 'aborted' };
  }
  return leave(step, state, statesBinding(step), nextOf(state), input.value);
}
