/** What a state's status looks like: a word and a sign beside its colour (never colour alone). */

export type StateStatus =
  | 'succeeded'
  | 'failed'
  | 'caught'
  | 'running'
  | 'waiting'
  | 'aborted'
  | 'retried'
  | 'not-run';

export const STATUSES: Readonly<Record<StateStatus, { readonly words: string; readonly sign: string }>> = {
  succeeded: { words: 'Succeeded', sign: '✓' },
  failed: { words: 'Failed', sign: '✗' },
  caught: { words: 'Failed, error caught', sign: '!' },
  running: { words: 'Running', sign: '▶' },
  waiting: { words: 'Waiting', sign: '‖' },
  aborted: { words: 'Aborted', sign: '■' },
  retried: { words: 'Retried', sign: '↻' },
  'not-run': { words: 'Not run', sign: '○' },
};

/** A status from outside (the API's type allows only these, but a page may pass anything). */
export function knownStatus(value: unknown): StateStatus | undefined {
  return typeof value === 'string' && Object.hasOwn(STATUSES, value) ? (value as StateStatus) : undefined;
}
