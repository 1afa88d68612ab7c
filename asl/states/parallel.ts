/** Parallel (JSONata): https://states-language.net/spec.html#parallel-state */
import { setMaxListeners } from 'node:events';
import type { ParallelState } from '../definition/types.ts';
import { type AttemptOutcome, withRetries } from '../fields/attempts.ts';
import { evaluateTemplate } from '../fields/evaluate.ts';
import { effectiveInput } from '../fields/paths.ts';
import type { Frame, Step, StepResult } from '../runtime/context.ts';
import { append, childThread, evaluationFailed, note } from '../runtime/events.ts';
import { runGraph } from '../runtime/graph.ts';
import type { Failure } from '../runtime/outcome.ts';
import { bindings, statesBinding } from '../runtime/states-binding.ts';

export function runParallel(step: Step<ParallelState>): Promise<StepResult> {
  const { frame } = step;
  // ParallelStateFailed is recorded only when the state gives up, not before a retry.
  return withRetries(
    step,
    () => attempt(step),
    () => append(frame, 'ParallelStateFailed'),
  );
}

async function attempt(step: Step<ParallelState>): Promise<AttemptOutcome> {
  const { state, frame } = step;
  let input = step.input;
  if (state.io) {
    // JSONPath: the branches get the effective input (InputPath, then Parameters).
    const r = effectiveInput(step, state.io);
    if (!r.ok) return { kind: 'failed', failure: evaluationFailed(frame, step.site, r.query) };
    input = r.value;
  } else if (state.arguments) {
    const r = await evaluateTemplate(
      state.arguments,
      bindings(step, statesBinding(step)),
      'Arguments',
      step.site,
    );
    if (!r.ok) return { kind: 'failed', failure: evaluationFailed(frame, step.site, r.query) };
    input = r.value;
  }
  if (step.inspection && !state.io) step.inspection.afterArguments = input;
  const started = append(frame, 'ParallelStateStarted');
  // One failing branch stops the others; the state's own abort stops them all.
  const siblings = new AbortController();
  const signal = AbortSignal.any([frame.signal, siblings.signal]);
  // Each concurrent task listens for the abort (and stops listening when it ends): as many
  // listeners as iterations run at once, which is no leak.
  setMaxListeners(0, signal);
  let failed: { failure: Failure; branch: Frame } | undefined;
  let lastFinished: Frame | undefined;
  const outputs = await Promise.all(
    state.branches.map(async (graph, i) => {
      const branch: Frame = {
        run: frame.run,
        scope: frame.scope.child(),
        cursor: started,
        signal,
        thread: childThread(step, i),
      };
      const outcome = await runGraph(graph, input, branch);
      if (outcome.kind === 'failed' && !failed) {
        failed = { failure: outcome.failure, branch };
        // The failed task is still the branch's open state when the Parallel stops it (recorded on AWS).
        if (outcome.state?.type === 'Task') note(branch, 'TaskStateAborted');
        siblings.abort();
      }
      if (outcome.kind === 'succeeded') lastFinished = branch;
      return outcome.kind === 'succeeded' ? outcome.output : null;
    }),
  );
  if (frame.signal.aborted) {
    append(frame, 'ParallelStateAborted');
    return { kind: 'aborted' };
  }
  if (failed) {
    frame.cursor = failed.branch.cursor;
    return { kind: 'failed', failure: failed.failure };
  }
  // ParallelStateSucceeded does not move the thread: ParallelStateExited links to the last branch event.
  frame.cursor = lastFinished?.cursor ?? started;
  note(frame, 'ParallelStateSucceeded');
  if (step.inspection) step.inspection.result = outputs;
  return { kind: 'succeeded', output: outputs, states: statesBinding(step, { result: outputs }) };
}
