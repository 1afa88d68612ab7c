import { describe, expect, it } from 'vitest';
import { type ActualRun, compareRun, describeFindings } from './compare.ts';
import type { Expected } from './corpus.ts';
import { condenseStates, type NormalEvent } from './normalize.ts';

const started: NormalEvent = {
  id: 1,
  previousEventId: 0,
  type: 'ExecutionStarted',
  executionStartedEventDetails: { input: {} },
};
const entered: NormalEvent = {
  id: 2,
  previousEventId: 0,
  type: 'PassStateEntered',
  stateEnteredEventDetails: { name: 'P', input: {} },
};
const exited = (output: unknown): NormalEvent => ({
  id: 3,
  previousEventId: 2,
  type: 'PassStateExited',
  stateExitedEventDetails: { name: 'P', output },
});
const succeeded = (output: unknown): NormalEvent => ({
  id: 4,
  previousEventId: 3,
  type: 'ExecutionSucceeded',
  executionSucceededEventDetails: { output },
});

const expected: Expected = {
  status: 'SUCCEEDED',
  output: { at: '{{ph:date}}' },
  eventTypes: ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
  states: [
    { type: 'PassStateEntered', name: 'P', input: {} },
    { type: 'PassStateExited', name: 'P', output: { at: '{{ph:date}}' } },
  ],
  events: [started, entered, exited({ at: '{{ph:date}}' }), succeeded({ at: '{{ph:date}}' })],
};

const run = (output: unknown, more: Partial<ActualRun> = {}): ActualRun => ({
  status: 'SUCCEEDED',
  output,
  events: [started, entered, exited(output), succeeded(output)],
  ...more,
});

describe('compareRun', () => {
  it('finds nothing when status, output and every event match (placeholders included)', () => {
    expect(compareRun(expected, run({ at: '2026-01-01T00:00:00Z' }), { sortedParallel: false })).toEqual([]);
  });

  it('reports each differing aspect once, with the first differing event index', () => {
    const findings = compareRun(expected, run({ at: 1, extra: true }), { sortedParallel: false });
    expect(findings.map((f) => f.aspect)).toEqual(['output', 'states', 'events']);
    expect(findings[2]).toMatchObject({ index: 2, path: '$.events[2].stateExitedEventDetails.output' });
    expect(describeFindings(findings)).toContain(
      'events[2] $.events[2].stateExitedEventDetails.output: extra keys extra',
    );
  });

  it('reports a status, error or cause AWS did not report', () => {
    const findings = compareRun(expected, run({ at: 1 }, { status: 'FAILED', error: 'States.Runtime' }), {
      sortedParallel: false,
    });
    expect(findings.slice(0, 2).map((f) => [f.aspect, f.reason])).toEqual([
      ['status', 'status differs'],
      ['error', 'AWS reported no error'],
    ]);
  });

  it('compares a cause that is JSON text with the parsed cause of the recording', () => {
    const failed: Expected = { status: 'FAILED', error: 'E', cause: { errorMessage: 'boom' } };
    const actual = { status: 'FAILED', error: 'E', cause: '{"errorMessage":"boom"}', events: [] };
    expect(compareRun(failed, actual, { sortedParallel: false })).toEqual([]);
  });

  it('reports missing events by index and count', () => {
    const findings = compareRun(expected, run({ at: 1 }, { events: [started, entered] }), {
      sortedParallel: false,
    });
    expect(findings.find((f) => f.aspect === 'eventTypes')).toMatchObject({
      index: 2,
      reason: 'expected 4 entries, got 2',
    });
  });

  it('compares the events of a sorted Parallel sublist as a multiset (README rule 8)', () => {
    const types = ['ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted'];
    const head: NormalEvent[] = types.map((type, i) => ({ id: i + 1, previousEventId: i, type }));
    const inBranch = (type: string, name: string): NormalEvent => ({
      type,
      stateEnteredEventDetails: { name },
    });
    const s = { id: [0], previousEventId: 0 };
    const tail: NormalEvent[] = [
      { id: 9, previousEventId: 7, type: 'ParallelStateExited' },
      { id: 10, previousEventId: 9, type: 'ExecutionSucceeded' },
    ];
    const recorded = [
      ...head,
      { ...s, ...inBranch('PassStateEntered', 'A') },
      { ...s, ...inBranch('PassStateEntered', 'B') },
      ...tail,
    ];
    const sorted: Expected = {
      status: 'SUCCEEDED',
      eventTypes: recorded.map((e) => e.type),
      states: condenseStates(recorded),
      events: recorded,
    };
    const engine: NormalEvent[] = [
      ...head,
      { id: 4, previousEventId: 3, ...inBranch('PassStateEntered', 'B') },
      { id: 5, previousEventId: 3, ...inBranch('PassStateEntered', 'A') },
      { id: 6, previousEventId: 5, type: 'ParallelStateSucceeded' },
      ...tail,
    ];
    const findings = compareRun(sorted, { status: 'SUCCEEDED', events: engine }, { sortedParallel: true });
    expect(findings).toEqual([]);
    const other = engine.map((e) =>
      e.type === 'PassStateEntered' ? { ...e, stateEnteredEventDetails: { name: 'C' } } : e,
    );
    const differing = compareRun(sorted, { status: 'SUCCEEDED', events: other }, { sortedParallel: true });
    expect(differing.find((f) => f.aspect === 'events')).toMatchObject({ index: 3 });
  });
});
