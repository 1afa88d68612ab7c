/**
 * Definition-time rules of the Developer Guide page "Passing data between states with variables"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html), checked against
 * parseDefinition, the validator `wf validate` runs. The search index held only the page's machine
 * translations (zh, ja, de, pt); the English sentences quoted here are rendered from them, and the
 * `$states` code block is the page's own text.
 */
import { describe, expect, it } from 'vitest';
import { problems } from './problems.ts';

const one = (state: Record<string, unknown>) => ({
  QueryLanguage: 'JSONata',
  StartAt: 'A',
  States: { A: state },
});

describe('Passing data between states with variables: states that support Assign', () => {
  // "The following state types support Assign to declare and assign values to variables: Pass,
  // Task, Map, Parallel, Choice, Wait."
  it('accepts Assign on a Pass state', () => {
    expect(problems(one({ Type: 'Pass', Assign: { x: 1 }, End: true }))).toEqual([]);
  });

  it('accepts Assign on a Wait state', () => {
    expect(problems(one({ Type: 'Wait', Seconds: 0, Assign: { x: 1 }, End: true }))).toEqual([]);
  });

  for (const type of ['Succeed', 'Fail']) {
    it(`refuses Assign on a ${type} state, which the list leaves out`, () => {
      expect(problems(one({ Type: type, Assign: { x: 1 } }))).toEqual([
        expect.stringContaining("/States/A/Assign: The field 'Assign' is not supported here"),
      ]);
    });
  }
});

describe('Passing data between states with variables: reserved variable $states', () => {
  // "Step Functions defines a single reserved variable called $states."
  it('refuses a variable named states', () => {
    expect(problems(one({ Type: 'Pass', Assign: { states: 1 }, End: true }))).toEqual([
      expect.stringContaining("'states' is not a valid variable name"),
    ]);
  });
});
