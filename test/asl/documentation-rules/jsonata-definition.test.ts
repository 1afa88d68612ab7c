/**
 * Definition-time rules of the Developer Guide page "Transforming data with JSONata in Step
 * Functions" (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html), each
 * checked against parseDefinition, the validator `wf validate` runs. Quotes are from the page.
 */
import { describe, expect, it } from 'vitest';
import { parseDefinition } from '../../../asl/index.ts';
import { problems } from './problems.ts';

const PAGE = 'Transforming data with JSONata in Step Functions';

const machine = (states: Record<string, unknown>) => ({
  QueryLanguage: 'JSONata',
  StartAt: Object.keys(states)[0],
  States: states,
});
const task = (fields: Record<string, unknown>) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Arguments: { FunctionName: 'f' },
  End: true,
  ...fields,
});

describe(`${PAGE}: JSONata replaces the JSONPath fields`, () => {
  // "your workflow fields will be reduced from five JSONPath fields (InputPath, Parameters,
  // ResultSelector, ResultPath, and OutputPath) to only two fields: Arguments and Output."
  for (const field of ['InputPath', 'Parameters', 'ResultSelector', 'ResultPath', 'OutputPath']) {
    it(`refuses ${field} in a JSONata state ("reduced from five JSONPath fields ... to only two fields: Arguments and Output")`, () => {
      expect(problems(machine({ A: task({ [field]: field.endsWith('Path') ? '$' : {} }) }))).toEqual([
        expect.stringContaining(
          `/States/A/${field}: The field '${field}' is not supported by the JSONata query language`,
        ),
      ]);
    });
  }

  it('accepts Arguments and Output ("to only two fields: Arguments and Output")', () => {
    expect(problems(machine({ A: task({ Output: '{% $states.result %}' }) }))).toEqual([]);
  });

  it('refuses .$ keys ("you will not use .$ on JSON object key names")', () => {
    expect(problems(machine({ A: task({ Arguments: undefined, 'Arguments.$': '$' }) }))).toEqual([
      expect.stringContaining("uses JSONPath '.$' syntax"),
    ]);
  });
});

describe(`${PAGE}: QueryLanguage`, () => {
  // "QueryLanguage ... Set explicitly; could be set and inherited from top-level"
  it('a state inherits the top-level QueryLanguage ("could be set and inherited from top-level")', () => {
    const def = parseDefinition(machine({ A: { Type: 'Pass', Output: '{% 1 %}', End: true } }));
    expect(def.states.get('A')?.queryLanguage).toBe('JSONata');
  });

  it('a state inside a Parallel branch inherits it too', () => {
    const def = parseDefinition(
      machine({
        P: {
          Type: 'Parallel',
          End: true,
          Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', Output: '{% 1 %}', End: true } } }],
        },
      }),
    );
    const p = def.states.get('P');
    expect(p?.type === 'Parallel' && p.branches[0]?.states.get('B')?.queryLanguage).toBe('JSONata');
  });

  // Not a sentence of this page: /work/shared/ASL-FACTS.md records that "a JSONPath state inside a
  // JSONata machine is refused at creation"; the page only offers to convert JSONPath states to JSONata.
  it('refuses a JSONPath state inside a JSONata state machine', () => {
    expect(
      problems(machine({ A: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } })).join('\n'),
    ).toContain('A JSONPath state cannot appear in a JSONata state machine');
  });
});

describe(`${PAGE}: Reserved variable $states`, () => {
  // '"result": // API or sub-workflow's result (if successful)'
  it('accepts $states.result in Output and Assign of a Task', () => {
    expect(
      problems(
        machine({ A: task({ Output: '{% $states.result %}', Assign: { r: '{% $states.result %}' } }) }),
      ),
    ).toEqual([]);
  });

  it('accepts $states.result in Output of Map and Parallel', () => {
    expect(
      problems(
        machine({
          M: {
            Type: 'Map',
            Next: 'P',
            Output: '{% $states.result %}',
            ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } },
          },
          P: {
            Type: 'Parallel',
            End: true,
            Assign: { r: '{% $states.result %}' },
            Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', End: true } } }],
          },
        }),
      ),
    ).toEqual([]);
  });

  it('refuses $states.result in a Task\'s Arguments ("API or sub-workflow\'s result (if successful)")', () => {
    expect(problems(machine({ A: task({ Arguments: { x: '{% $states.result.a %}' } }) }))).toEqual([
      expect.stringContaining('/States/A/Arguments/x: $states.result is not available in this field'),
    ]);
  });

  it('refuses $states.result in a Pass state, which has no API or sub-workflow', () => {
    expect(problems(machine({ A: { Type: 'Pass', Output: '{% $states.result %}', End: true } }))).toEqual([
      expect.stringContaining('STATES_RESULT_UNAVAILABLE'),
    ]);
  });

  it('refuses $states.result in a Choice Condition', () => {
    const def = machine({
      C: { Type: 'Choice', Choices: [{ Condition: '{% $states.result %}', Next: 'S' }], Default: 'S' },
      S: { Type: 'Succeed' },
    });
    expect(problems(def)).toEqual([expect.stringContaining('/States/C/Choices/0/Condition: $states.result')]);
  });

  // '"errorOutput": // Error Output in a Catch'
  it('accepts $states.errorOutput in a Catch\'s Output and Assign ("Error Output in a Catch")', () => {
    const def = machine({
      A: task({
        Catch: [
          {
            ErrorEquals: ['States.ALL'],
            Next: 'S',
            Output: '{% $states.errorOutput %}',
            Assign: { e: '{% $states.errorOutput.Error %}' },
          },
        ],
      }),
      S: { Type: 'Succeed' },
    });
    expect(problems(def)).toEqual([]);
  });

  it('refuses $states.errorOutput outside a Catch ("Error Output in a Catch")', () => {
    expect(problems(machine({ A: task({ Output: '{% $states.errorOutput %}' }) }))).toEqual([
      expect.stringContaining('/States/A/Output: $states.errorOutput is not available in this field'),
    ]);
  });

  it('refuses $states.result in a Catch, where the state did not succeed', () => {
    const def = machine({
      A: task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'S', Output: '{% $states.result %}' }] }),
      S: { Type: 'Succeed' },
    });
    expect(problems(def)).toEqual([expect.stringContaining('/States/A/Catch/0/Output: $states.result')]);
  });

  it('does not mistake the text "$states.result" in a JSONata string literal for a reference', () => {
    expect(problems(machine({ A: { Type: 'Pass', Output: '{% "$states.result" %}', End: true } }))).toEqual(
      [],
    );
  });

  // '"input": // Original input to the state' and '"context": // Context object' are available everywhere.
  it('accepts $states.input and $states.context in any field', () => {
    expect(
      problems(
        machine({
          A: task({ Arguments: { i: '{% $states.input %}', c: '{% $states.context.Execution.Id %}' } }),
        }),
      ),
    ).toEqual([]);
  });
});
