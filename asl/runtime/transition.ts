/** Where a successful visit goes: https://states-language.net/spec.html#transition */
import type { StepResult } from './context.ts';

type Transition = { end: true } | { end: false; next: string };

/** The state a transition leads to, or undefined at an End. */
export function nextOf(state: { transition: Transition }): string | undefined {
  return state.transition.end ? undefined : state.transition.next;
}

/** Where a successful visit goes next. */
export function transitionResult(state: { transition: Transition }, output: unknown): StepResult {
  return state.transition.end
    ? { kind: 'end', output }
    : { kind: 'next', next: state.transition.next, output };
}
