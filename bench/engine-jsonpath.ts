/**
 * The JSONPath workloads of bench/engine.ts: machines of the same shape and size as the JSONata
 * ones (their baseline is bench/engine-jsonpath-direct.ts).
 *
 * - path: 8,000 states cycling Pass (InputPath, Parameters with States.Format/States.Array,
 *   ResultPath, OutputPath, Assign), Choice (an And of comparisons, Assign), Task (Parameters with
 *   States.StringToJson/States.MathAdd, ResultSelector, ResultPath, Assign) and Choice (a
 *   comparison against a variable, then one against a literal): 22,002 history events, under
 *   AWS's 25,000 (a Task visit records five).
 * - map: a Map over 10,000 items, ItemSelector reading `$$.Map.Item`, batched 100 per iteration,
 *   with ResultSelector, ResultPath and OutputPath.
 */
export const JSONPATH_STATES = 8_000;
export const JSONPATH_BATCH = 100;
/** The Task resource; the benchmark's registry answers it with the arguments it was given. */
export const ECHO_FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:bench-echo';

const DOC = { label: 'bench', json: '{"k":1,"v":[1,2,3]}' };

function passState(next: Record<string, unknown>): Record<string, unknown> {
  return {
    Type: 'Pass',
    InputPath: '$',
    Parameters: {
      'n.$': '$.result.n',
      'doc.$': '$.doc',
      'label.$': "States.Format('item {} of {}', $.result.n, $count)",
      'tags.$': 'States.Array($.doc.label, $count)',
      kind: 'pass',
    },
    ResultPath: '$.pass',
    OutputPath: '$.pass',
    Assign: { 'count.$': 'States.MathAdd($count, 1)', 'label.$': '$.label' },
    ...next,
  };
}

function taskState(next: Record<string, unknown>): Record<string, unknown> {
  return {
    Type: 'Task',
    Resource: ECHO_FUNCTION,
    Parameters: {
      'n.$': '$.n',
      'parsed.$': 'States.StringToJson($.doc.json)',
      'sum.$': 'States.MathAdd($.n, $count)',
    },
    ResultSelector: { 'n.$': 'States.MathAdd($.n, 1)', 'k.$': '$.parsed.k' },
    ResultPath: '$.result',
    Assign: { 'sum.$': '$.sum' },
    ...next,
  };
}

function choiceAfterPass(next: string): Record<string, unknown> {
  return {
    Type: 'Choice',
    Choices: [
      {
        And: [
          { Variable: '$.n', NumericGreaterThanEquals: 0 },
          { Variable: '$count', NumericGreaterThan: 0 },
          { Not: { Variable: '$.label', StringEquals: '' } },
        ],
        Assign: { 'seen.$': '$count' },
        Next: next,
      },
    ],
    Default: next,
  };
}

function choiceAfterTask(next: string): Record<string, unknown> {
  return {
    Type: 'Choice',
    InputPath: '$',
    Choices: [
      { Variable: '$.result.n', NumericLessThanPath: '$count', Next: next },
      { Variable: '$.result.k', NumericEquals: 1, Assign: { 'k.$': '$.result.k' }, Next: next },
    ],
    Default: next,
    OutputPath: '$',
  };
}

export function jsonPathPathDefinition(): string {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < JSONPATH_STATES; i++) {
    const next = i + 1 < JSONPATH_STATES ? `S${i + 1}` : undefined;
    const end = next ? { Next: next } : { End: true };
    const kind = i % 4;
    if (kind === 0) states[`S${i}`] = passState(end);
    else if (kind === 2) states[`S${i}`] = taskState(end);
    else if (!next) states[`S${i}`] = { Type: 'Pass', End: true };
    else states[`S${i}`] = kind === 1 ? choiceAfterPass(next) : choiceAfterTask(next);
  }
  return JSON.stringify({
    StartAt: 'Init',
    States: {
      Init: { Type: 'Pass', Result: { result: { n: 0 }, doc: DOC }, Assign: { count: 0 }, Next: 'S0' },
      ...states,
    },
  });
}

export function jsonPathMapDefinition(): string {
  return JSON.stringify({
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Map',
        InputPath: '$',
        ItemsPath: '$.items',
        ItemSelector: {
          'v.$': 'States.MathAdd($$.Map.Item.Value, 1)',
          'i.$': '$$.Map.Item.Index',
        },
        ItemBatcher: { MaxItemsPerBatch: JSONPATH_BATCH },
        MaxConcurrency: 1,
        ItemProcessor: {
          StartAt: 'Count',
          States: {
            Count: {
              Type: 'Pass',
              Parameters: { 'count.$': 'States.ArrayLength($.Items)', 'first.$': '$.Items[0].v' },
              End: true,
            },
          },
        },
        ResultSelector: { 'batches.$': 'States.ArrayLength($)', 'first.$': '$[0].first' },
        ResultPath: '$.summary',
        OutputPath: '$.summary',
        End: true,
      },
    },
  });
}
