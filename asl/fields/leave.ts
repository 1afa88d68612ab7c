/**
 * The end of a successful visit of a state without Retry (Pass, Succeed, Wait, Choice, and a
 * Catch's fallback): settles Output and Assign, records StateExited, and moves on.
 */
import type { Step, StepResult } from '../runtime/context.ts';
import { evaluationFailed } from '../runtime/events.ts';
import type { Settled } from '../runtime/exit.ts';
import { exitState } from '../runtime/exit.ts';
import type { StatesBinding } from '../runtime/states-binding.ts';
import type { Evaluated } from './evaluate.ts';
import { type SettleFields, settle } from './settle.ts';

/** Moves on to `next`, or ends the graph when `next` is undefined. A failed evaluation fails the state. */
export function leave(
  step: Step,
  fields: SettleFields,
  states: StatesBinding,
  next: string | undefined,
  defaultOutput: unknown = step.input,
): Promise<StepResult> {
  const settled = settle(step, fields, states, defaultOutput);
  // A JSONPath state settles synchronously: one resolved promise instead of two async frames.
  return settled instanceof Promise
    ? exitLater(step, settled, next)
    : Promise.resolve(exit(step, settled, next));
}

async function exitLater(
  step: Step,
  settled: Promise<Evaluated<Settled>>,
  next: string | undefined,
): Promise<StepResult> {
  return exit(step, await settled, next);
}

function exit(step: Step, settled: Evaluated<Settled>, next: string | undefined): StepResult {
  if (!settled.ok) return { kind: 'fail', failure: evaluationFailed(step.frame, step.site, settled.query) };
  const output = exitState(step, settled.value);
  return next === undefined ? { kind: 'end', output } : { kind: 'next', next, output };
}
