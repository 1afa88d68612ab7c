/** Map (JSONata, inline and distributed): https://states-language.net/spec.html#map-state */
import { setMaxListeners } from 'node:events';
import type { MapState } from '../definition/types.ts';
import { type AttemptOutcome, withRetries } from '../fields/attempts.ts';
import type { Frame, Step, StepResult } from '../runtime/context.ts';
import { append, childThread, evaluationFailed, note } from '../runtime/events.ts';
import { type GraphOutcome, runGraph } from '../runtime/graph.ts';
import { History } from '../runtime/history.ts';
import { type Failure, type QueryFailure, StatesError } from '../runtime/outcome.ts';
import { statesBinding } from '../runtime/states-binding.ts';
import { type MapSettings, prepareItems, toleratedSettings } from './private/map-items.ts';

/** AWS runs at most 40 inline iterations at once when MaxConcurrency is 0 (no limit). */
const INLINE_CONCURRENCY_CAP = 40;

export function runMap(step: Step<MapState>): Promise<StepResult> {
  // MapStateFailed is recorded only when the state gives up, not before a retry.
  return withRetries(
    step,
    () => attempt(step),
    () => append(step.frame, 'MapStateFailed'),
  );
}

async function attempt(step: Step<MapState>): Promise<AttemptOutcome> {
  const { state, frame } = step;
  const prepared = await prepareItems(step);
  if (!prepared.ok) {
    if (prepared.query) return failedEvaluation(step, prepared.query.query);
    return { kind: 'failed', failure: prepared.failure ?? { error: StatesError.Runtime } };
  }
  const { inputs } = prepared;
  append(frame, 'MapStateStarted', {
    // AWS records the item count, except for items an ItemReader reads (0, also in distributed mode).
    mapStateStartedEventDetails: { length: state.itemReader ? 0 : inputs.length },
  });
  const tolerated = await toleratedSettings(step, prepared.states);
  if (!tolerated.ok) return failedEvaluation(step, tolerated.query);
  const settings: MapSettings = { ...prepared.settings, ...tolerated.value };
  const outcome =
    state.mode === 'DISTRIBUTED'
      ? await runDistributed(step, inputs, settings)
      : await iterate(step, inputs, settings, frame);
  if (outcome.kind !== 'succeeded') return outcome;
  if (step.inspection) step.inspection.result = outcome.output;
  return {
    kind: 'succeeded',
    output: outcome.output,
    states: statesBinding(step, { result: outcome.output }),
  };
}

/**
 * The state's own evaluation failed. A JSONPath state's failure (States.Runtime) ends the
 * state without MapStateFailed, as recorded; a JSONata one records EvaluationFailed, then MapStateFailed.
 */
function failedEvaluation(step: Step<MapState>, query: QueryFailure): AttemptOutcome {
  const failure = evaluationFailed(step.frame, step.site, query);
  return query.unrecorded ? { kind: 'failed', failure, quiet: true } : { kind: 'failed', failure };
}

interface IterateOptions {
  /**
   * Set for a Distributed Map: each iteration is a child execution with this fresh run (its own
   * history and transitions) that reads none of the state's variables, and nothing of the
   * iterations, nor the state's end, is recorded in `frame`'s history (the Map Run does that).
   * Unset, iterations are inline: recorded in `frame`'s history, reading its variables.
   */
  readonly childRun?: () => Frame['run'];
}

/**
 * Runs every item through the processor, at most `maxConcurrency` at a time. As recorded on AWS,
 * MapIterationSucceeded/Failed do not move the thread: the next iteration links to the last
 * event inside the previous one, and MapStateFailed to the last event of the failed iteration.
 */
async function iterate(
  step: Step<MapState>,
  inputs: readonly unknown[],
  settings: MapSettings,
  frame: Frame,
  options: IterateOptions = {},
): Promise<GraphOutcome> {
  const { state } = step;
  const inline = options.childRun === undefined;
  const results: unknown[] = new Array(inputs.length).fill(null);
  const siblings = new AbortController();
  const signal = AbortSignal.any([frame.signal, siblings.signal]);
  // Each concurrent task listens for the abort (and stops listening when it ends): as many
  // listeners as iterations run at once, which is no leak.
  setMaxListeners(0, signal);
  const limit =
    settings.maxConcurrency > 0
      ? settings.maxConcurrency
      : state.mode === 'DISTRIBUTED'
        ? 10_000
        : INLINE_CONCURRENCY_CAP;
  const tolerated = toleratedFailures(settings, inputs.length);
  let failures = 0;
  let firstFailure: { failure: Failure; cursor: number } | undefined;
  let next = 0;
  let link = frame.cursor;
  let lastEnd: number | undefined;

  const ended = (
    type: 'MapIterationSucceeded' | 'MapIterationFailed' | 'MapIterationAborted',
    index: number,
    child: Frame,
  ): void => {
    if (!inline) return;
    const key = `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
    lastEnd = note(child, type, { [key]: { index, name: state.name } });
  };

  const worker = async (): Promise<void> => {
    while (next < inputs.length && !signal.aborted) {
      const index = next++;
      const child: Frame = {
        run: options.childRun?.() ?? frame.run,
        scope: inline ? frame.scope.child() : frame.scope.isolated(),
        cursor: inline ? link : 0,
        signal,
        thread: childThread(step, index),
      };
      if (inline) {
        append(child, 'MapIterationStarted', {
          mapIterationStartedEventDetails: { index, name: state.name },
        });
      }
      const outcome = await runGraph(state.processor, inputs[index], child);
      if (outcome.kind === 'succeeded') {
        results[index] = outcome.output;
        ended('MapIterationSucceeded', index, child);
      } else if (outcome.kind === 'aborted') {
        ended('MapIterationAborted', index, child);
      } else {
        ended('MapIterationFailed', index, child);
        failures++;
        if (failures > tolerated && !firstFailure) {
          firstFailure = { failure: outcome.failure, cursor: child.cursor };
          siblings.abort();
        }
      }
      link = child.cursor;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, Math.max(1, inputs.length)) }, worker));

  // A Map Run records its own end (runDistributed); only inline iterations end the state here.
  if (frame.signal.aborted) {
    if (inline) append(frame, 'MapStateAborted');
    return { kind: 'aborted' };
  }
  if (firstFailure) {
    if (inline) frame.cursor = firstFailure.cursor;
    const thresholdSet =
      settings.toleratedFailureCount !== undefined || settings.toleratedFailurePercentage !== undefined;
    return {
      kind: 'failed',
      failure: thresholdSet
        ? {
            error: StatesError.ExceedToleratedFailureThreshold,
            cause: 'The specified tolerated failure threshold was exceeded',
          }
        : firstFailure.failure,
    };
  }
  // MapStateSucceeded does not move the thread: MapStateExited links to the last iteration event.
  if (lastEnd !== undefined) frame.cursor = lastEnd;
  if (inline) note(frame, 'MapStateSucceeded');
  return { kind: 'succeeded', output: results };
}

/**
 * How many failed items the Map tolerates. "If you specify both values, the workflow fails when
 * it exceeds either value" (Distributed Map page): the smaller of the two limits counts.
 */
function toleratedFailures(settings: MapSettings, total: number): number {
  const { toleratedFailureCount: count, toleratedFailurePercentage: percentage } = settings;
  const byPercentage = percentage === undefined ? undefined : Math.floor((percentage / 100) * total);
  if (count === undefined) return byPercentage ?? 0;
  return byPercentage === undefined ? count : Math.min(count, byPercentage);
}

/**
 * Distributed mode: a Map Run whose iterations are child executions, not events of this
 * history (AWS records only MapRunStarted and its end here).
 */
async function runDistributed(
  step: Step<MapState>,
  inputs: readonly unknown[],
  settings: MapSettings,
): Promise<GraphOutcome> {
  const { frame } = step;
  const { info } = frame.run;
  const arn = info.stateMachineArn.replace(':stateMachine:', ':mapRun:');
  const runId = frame.run.env.entropy.uuid();
  const mapRunArn = `${arn}/${step.state.label ?? step.state.name}:${runId}`;
  const mapRunStarted = append(frame, 'MapRunStarted', { mapRunStartedEventDetails: { mapRunArn } });
  // Each child execution has a history of its own, not part of this one, and reads none of this
  // scope's variables. Nothing here reads a child's events (no API serves them), so only their
  // times are kept: a child's payloads are garbage once appended, whatever the Map Run's size.
  const now = () => frame.run.env.clock.now();
  const outcome = await iterate(step, inputs, settings, frame, {
    childRun: () => ({ ...frame.run, history: new History(now, [], false), transitions: 0 }),
  });
  frame.cursor = mapRunStarted;
  if (outcome.kind === 'succeeded') {
    // Neither moves the thread: MapStateExited links to MapRunStarted (recorded on AWS).
    const runSucceeded = note(frame, 'MapRunSucceeded', {}, mapRunStarted);
    note(frame, 'MapStateSucceeded', {}, runSucceeded);
  } else if (outcome.kind === 'failed') {
    append(frame, 'MapRunFailed', {
      mapRunFailedEventDetails: { error: outcome.failure.error, cause: outcome.failure.cause },
    });
  }
  return outcome;
}
