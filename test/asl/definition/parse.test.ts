import { describe, expect, it } from 'vitest';
import { DefinitionErrors, parseDefinition, parseState } from '../../../asl/index.ts';

function problems(definition: unknown): string[] {
  try {
    parseDefinition(definition as object);
  } catch (error) {
    if (error instanceof DefinitionErrors) return error.errors.map((e) => `${e.path}: ${e.message}`);
    throw error;
  }
  return [];
}

const machine = (states: Record<string, unknown>, startAt = Object.keys(states)[0]) => ({
  QueryLanguage: 'JSONata',
  StartAt: startAt,
  States: states,
});

describe('parseDefinition', () => {
  it('builds a typed tree with compiled expressions', () => {
    const def = parseDefinition(
      machine({
        A: { Type: 'Pass', Output: { x: '{% $states.input.a %}', y: 1 }, Next: 'B' },
        B: { Type: 'Succeed' },
      }),
    );
    expect(def.queryLanguage).toBe('JSONata');
    const a = def.states.get('A');
    expect(a?.type).toBe('Pass');
    expect(a?.output?.kind).toBe('object');
  });

  it('collapses templates without expressions into one literal', () => {
    const def = parseDefinition(
      machine({ A: { Type: 'Pass', Output: { a: [1, { b: 'text {% not whole %}' }] }, End: true } }),
    );
    expect(def.states.get('A')?.output).toEqual({
      kind: 'literal',
      value: { a: [1, { b: 'text {% not whole %}' }] },
    });
  });

  it('rejects JSONPath-only fields in a JSONata state and names the replacement', () => {
    const found = problems(
      machine({ A: { Type: 'Pass', Parameters: { a: 1 }, ResultPath: '$.x', End: true } }),
    );
    expect(found).toEqual([
      "/States/A/Parameters: The field 'Parameters' is not supported by the JSONata query language at /States/A/Parameters. Use Arguments instead.",
      "/States/A/ResultPath: The field 'ResultPath' is not supported by the JSONata query language at /States/A/ResultPath. Use Output (or Assign) with $states.result instead.",
    ]);
  });

  it('rejects .$ keys, unknown fields and invalid JSONata', () => {
    const found = problems(
      machine({ A: { Type: 'Pass', 'Output.$': '$.a', Bogus: 1, Assign: { v: '{% (1 + %}' }, End: true } }),
    );
    expect(found.some((p) => p.includes("'Output.$' uses JSONPath '.$' syntax"))).toBe(true);
    expect(found.some((p) => p.includes("The field 'Bogus' is not supported here"))).toBe(true);
    expect(found.some((p) => p.includes("The JSONata expression '(1 +' is not valid"))).toBe(true);
  });

  it('rejects the JSONata 2.1 operators that AWS does not accept', () => {
    expect(problems(machine({ A: { Type: 'Pass', Output: '{% $a ?? 1 %}', End: true } }))).toHaveLength(1);
    expect(problems(machine({ A: { Type: 'Pass', Output: '{% $a ?: 1 %}', End: true } }))).toHaveLength(1);
  });

  it('rejects missing transition targets and unreachable states', () => {
    const found = problems(machine({ A: { Type: 'Pass', Next: 'Nowhere' }, B: { Type: 'Succeed' } }));
    expect(found.some((p) => p.includes('MISSING_TRANSITION_TARGET'))).toBe(true);
    expect(found.some((p) => p.includes("'B' cannot be reached"))).toBe(true);
  });

  it('rejects a JSONPath state inside a JSONata machine', () => {
    const found = problems(machine({ A: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } }));
    expect(found).toHaveLength(1);
  });

  it('requires States.ALL to stand alone in the last catcher', () => {
    const found = problems(
      machine({
        A: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Catch: [
            { ErrorEquals: ['States.ALL'], Next: 'B' },
            { ErrorEquals: ['X'], Next: 'B' },
          ],
          End: true,
        },
        B: { Type: 'Succeed' },
      }),
    );
    expect(found.some((p) => p.includes('States.ALL must appear alone'))).toBe(true);
  });

  it('applies definition substitutions before parsing', () => {
    const def = parseDefinition(
      machine({
        A: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:dynamodb:putItem',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CDK-style definition substitution, not a template.
          Arguments: { TableName: '${Table}' },
          End: true,
        },
      }),
      { substitutions: { Table: 'orders' } },
    );
    const a = def.states.get('A');
    expect(a?.type === 'Task' && a.arguments).toEqual({ kind: 'literal', value: { TableName: 'orders' } });
  });

  it('reports invalid JSON with the parser message', () => {
    expect(() => parseDefinition('{ "StartAt": ')).toThrow(/not valid JSON/);
  });
});

describe('parseState', () => {
  it('parses one state whose transitions name states that are not there', () => {
    const task = {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Next: 'After',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Elsewhere' }],
    };
    const state = parseState(task, 'One');
    // AWS's TestState: "If you don't specify QueryLanguage, the state uses JSONPath."
    expect(state).toMatchObject({ name: 'One', type: 'Task', queryLanguage: 'JSONPath' });
    expect(parseState({ ...task, QueryLanguage: 'JSONata' }, 'One')).toMatchObject({
      queryLanguage: 'JSONata',
    });
  });

  it('refuses what the engine refuses in a definition', () => {
    expect(() => parseState('{"Type": "Pass",', 'One')).toThrow(/not valid JSON/);
    expect(() => parseState({ Type: 'Nope' }, 'One')).toThrow(/not a state type/);
    expect(() => parseState({ Type: 'Pass', Output: '{% 1 %}', End: true }, 'One')).toThrow(
      /'Output' is not supported by the JSONPath query language/,
    );
    expect(() => parseState({ Type: 'Pass', QueryLanguage: 'JSONata', Result: 1, End: true }, 'One')).toThrow(
      /'Result' is not supported by the JSONata query language/,
    );
  });
});
