import { describe, expect, it } from 'vitest';
import {
  condenseStates,
  emulateParallelSort,
  type NormalEvent,
  normalizeCause,
  normalizeEvent,
} from './normalize.ts';

describe('normalizeEvent', () => {
  it('drops the timestamp and parses JSON-text payloads of every kind (README rule 1)', () => {
    const event = normalizeEvent({
      timestamp: new Date(0),
      type: 'TaskScheduled',
      id: 3,
      previousEventId: 2,
      taskScheduledEventDetails: { parameters: '[1,2]', region: 'us-east-1', resource: 'invoke' },
    });
    expect(event).toEqual({
      type: 'TaskScheduled',
      id: 3,
      previousEventId: 2,
      taskScheduledEventDetails: { parameters: [1, 2], region: 'us-east-1', resource: 'invoke' },
    });
    expect(normalizeEvent({ type: 'PassStateExited', stateExitedEventDetails: { output: '"s"' } })).toEqual({
      type: 'PassStateExited',
      stateExitedEventDetails: { output: 's' },
    });
  });

  it('keeps nested JSON strings inside a payload as strings', () => {
    const event = normalizeEvent({
      type: 'ExecutionSucceeded',
      executionSucceededEventDetails: { output: '{"a":"[1]"}' },
    });
    expect(event.executionSucceededEventDetails).toEqual({ output: { a: '[1]' } });
  });

  it('parses each assigned variable value', () => {
    const event = normalizeEvent({
      type: 'PassStateExited',
      stateExitedEventDetails: { name: 'P', output: '{}', assignedVariables: { x: '42', y: '"t"' } },
    });
    expect(event.stateExitedEventDetails).toMatchObject({ assignedVariables: { x: 42, y: 't' } });
  });

  it('parses a cause that is JSON text starting with { and keeps every other cause as text (rule 2)', () => {
    const failed = normalizeEvent({
      type: 'TaskFailed',
      taskFailedEventDetails: { error: 'Exception', cause: '{"errorMessage":"boom"}' },
    });
    expect(failed.taskFailedEventDetails).toEqual({ error: 'Exception', cause: { errorMessage: 'boom' } });
    expect(normalizeCause('[1]')).toBe('[1]');
    expect(normalizeCause('{not json')).toBe('{not json');
  });

  it('refuses an event without a type, which no AWS history has', () => {
    expect(() => normalizeEvent({ id: 1 })).toThrow(TypeError);
  });
});

describe('condenseStates', () => {
  it('keeps names, inputs, outputs and assigned variables of StateEntered/StateExited events only', () => {
    const events: NormalEvent[] = [
      { type: 'ExecutionStarted', executionStartedEventDetails: { input: {} } },
      {
        type: 'PassStateEntered',
        stateEnteredEventDetails: { name: 'A', input: 1, inputDetails: { truncated: false } },
      },
      {
        type: 'PassStateExited',
        stateExitedEventDetails: { name: 'A', output: 2, assignedVariables: { x: 1 } },
      },
      { type: 'ChoiceStateExited', stateExitedEventDetails: { name: 'C', output: 3 } },
    ];
    expect(condenseStates(events)).toEqual([
      { type: 'PassStateEntered', name: 'A', input: 1 },
      { type: 'PassStateExited', name: 'A', output: 2, assignedVariables: { x: 1 } },
      { type: 'ChoiceStateExited', name: 'C', output: 3 },
    ]);
  });
});

describe('emulateParallelSort', () => {
  const history = (types: string[]): NormalEvent[] =>
    types.map((type, i) => ({ id: i + 1, previousEventId: i, type }));
  const shape = (events: NormalEvent[]): unknown[] =>
    events.map((e) => (Array.isArray(e.id) ? `S:${e.type}` : e.id));

  it('marks the events inside a Parallel and drops ParallelStateSucceeded, as the recorder did', () => {
    const events = history([
      'ExecutionStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'PassStateEntered',
      'PassStateExited',
      'ParallelStateSucceeded',
      'ParallelStateExited',
      'ExecutionSucceeded',
    ]);
    expect(shape(emulateParallelSort(events))).toEqual([
      1,
      2,
      3,
      'S:PassStateEntered',
      'S:PassStateExited',
      7,
      8,
    ]);
    expect(emulateParallelSort(events)[3]).toMatchObject({ id: [0], previousEventId: 0 });
  });

  it('reproduces the recorded shape of a nested Parallel (scenarios test_parallel_state_nested)', () => {
    const events = history([
      'ExecutionStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'PassStateEntered',
      'PassStateExited',
      'ParallelStateSucceeded',
      'ParallelStateExited',
      'ParallelStateSucceeded',
      'ParallelStateExited',
      'ExecutionSucceeded',
    ]);
    expect(shape(emulateParallelSort(events))).toEqual([
      1,
      2,
      3,
      'S:ParallelStateEntered',
      5,
      'S:PassStateEntered',
      'S:PassStateExited',
      11,
      12,
    ]);
  });

  it('leaves a history without Parallel states as it is', () => {
    const events = history(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
    expect(emulateParallelSort(events)).toEqual(events);
  });
});
