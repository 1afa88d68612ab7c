/**
 * Rules of the Developer Guide pages on processing input and output with JSONPath, run on the
 * engine and checked against parseDefinition (`wf validate`):
 * - "Manipulate parameters in Step Functions workflows" (InputPath, Parameters, ResultSelector),
 *   https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html
 * - "Specifying state output using ResultPath in Step Functions",
 *   https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html
 * - "Filtering state output using OutputPath",
 *   https://docs.aws.amazon.com/step-functions/latest/dg/input-output-outputpath.html
 * The search index held the opening of the ResultPath page in English (docs.amazonaws.cn/en_us);
 * the other sentences are quoted from the pages' English Markdown source as the archived
 * awsdocs/aws-step-functions-developer-guide repository holds it (2023), whose wording the
 * translations of the current pages match. Where the pages are silent, the States Language
 * specification (https://states-language.net/spec.html) is quoted and named.
 */
import { describe, expect, it } from 'vitest';
import { machine, passOutput, runStates, task } from './jsonpath.ts';
import { problems } from './problems.ts';

const PARAMS = 'InputPath, Parameters and ResultSelector';
const RESULT_PATH = 'Specifying state output using ResultPath';
const OUTPUT_PATH = 'Filtering state output using OutputPath';

const hello = async () => ({ ok: true as const, output: 'Hello, Step Functions!' });

describe(`${PARAMS}: InputPath`, () => {
  it('selects a portion of the state input ("Use InputPath to select a portion of the state input")', async () => {
    const input = {
      comment: 'Example for InputPath.',
      dataset1: { val1: 1, val2: 2, val3: 3 },
      dataset2: { val1: 'a', val2: 'b', val3: 'c' },
    };
    expect(await passOutput({ InputPath: '$.dataset2' }, input)).toEqual({ val1: 'a', val2: 'b', val3: 'c' });
  });

  // "A path can yield a selection of values. ... If you apply the path $.a[0:2], the following is
  // the result. [ 1, 2 ]"
  it('lets a path yield a selection of values ("If you apply the path $.a[0:2] ... [ 1, 2 ]")', async () => {
    expect(await passOutput({ InputPath: '$.a[0:2]' }, { a: [1, 2, 3, 4] })).toEqual([1, 2]);
  });

  // Specification: "Note that JSONPath can yield multiple values when applied to an input JSON text.
  // ... if the JSONPath $.a[0,1] is applied, the result will be two JSON texts, 1 and 2. When this
  // happens, to produce the effective input, the interpreter gathers the texts into an array"
  it('gathers the values of a path that yields several into an array (specification: $.a[0,1])', async () => {
    expect(await passOutput({ InputPath: '$.a[0,1]' }, { a: [1, 2, 3, 4] })).toEqual([1, 2]);
  });

  // Specification: 'If the value of InputPath is null, that means that the raw input is discarded,
  // and the effective input for the state is an empty JSON object, {}.'
  it('gives {} for "InputPath": null (specification: "the effective input for the state is an empty JSON object")', async () => {
    expect(await passOutput({ InputPath: null }, { a: 1 })).toEqual({});
  });
});

describe(`${PARAMS}: Parameters`, () => {
  const product = {
    comment: 'Example for Parameters.',
    product: {
      details: { color: 'blue', size: 'small', material: 'cotton' },
      availability: 'in stock',
      sku: '2317',
      cost: '$23',
    },
  };

  it('builds the page\'s example ("The values of each can either be static values ... or selected from either the input or the context object with a path")', async () => {
    const parameters = {
      comment: 'Selecting what I care about.',
      MyDetails: {
        'size.$': '$.product.details.size',
        'exists.$': '$.product.availability',
        StaticValue: 'foo',
      },
    };
    expect(await passOutput({ Parameters: parameters }, product)).toEqual({
      comment: 'Selecting what I care about.',
      MyDetails: { size: 'small', exists: 'in stock', StaticValue: 'foo' },
    });
  });

  it('keeps a path as a literal string when the key does not end in .$ ("the key name must end in .$")', async () => {
    expect(await passOutput({ Parameters: { size: '$.product.details.size' } }, product)).toEqual({
      size: '$.product.details.size',
    });
  });

  it('applies InputPath first, then Parameters ("applies the InputPath field first, and then the Parameters field")', async () => {
    expect(await passOutput({ InputPath: '$.product', Parameters: { 'sku.$': '$.sku' } }, product)).toEqual({
      sku: '2317',
    });
  });

  // Specification, "Payload Template": 'If the field value begins with "$$", the first dollar sign
  // is stripped and the remainder MUST be a Path. In this case, the Path is applied to the Context
  // Object'. The page: "or selected from either the input or the context object with a path".
  it('selects from the context object with $$ ("selected from either the input or the context object")', async () => {
    expect(await passOutput({ Parameters: { 'name.$': '$$.State.Name' } }, {})).toEqual({ name: 'A' });
  });

  it('refuses a .$ key whose value is not a path or an intrinsic function', () => {
    expect(problems(machine({ A: { Type: 'Pass', Parameters: { 'v.$': 'abc' }, End: true } }))).toEqual([
      expect.stringContaining("/States/A/Parameters/v.$: The value of 'v.$' is not a valid JSONPath"),
    ]);
  });
});

describe(`${PARAMS}: ResultSelector`, () => {
  // The page's Amazon EMR example: "we want to select just the resourceType and ClusterId, and merge
  // that with the state input from an Amazon EMR createCluster.sync".
  it("selects parts of the result and merges them with ResultPath (the page's EMR example)", async () => {
    const emr = {
      resourceType: 'elasticmapreduce',
      resource: 'createCluster.sync',
      output: {
        SdkHttpMetadata: { HttpStatusCode: 200 },
        SdkResponseMetadata: { RequestId: '1234-5678-9012' },
        ClusterId: 'AKIAIOSFODNN7EXAMPLE',
      },
    };
    const result = await runStates(
      {
        'Create Cluster': task({
          ResultSelector: { 'ClusterId.$': '$.output.ClusterId', 'ResourceType.$': '$.resourceType' },
          ResultPath: '$.EMROutput',
        }),
      },
      { OtherDataFromInput: {} },
      async () => ({ ok: true, output: emr }),
    );
    // "With the given input, using ResultSelector produces:"
    expect(result.output).toEqual({
      OtherDataFromInput: {},
      EMROutput: { ResourceType: 'elasticmapreduce', ClusterId: 'AKIAIOSFODNN7EXAMPLE' },
    });
  });

  // "ResultSelector is an optional field in the following states: Map, Task, Parallel"
  for (const type of ['Pass', 'Wait', 'Choice']) {
    it(`refuses ResultSelector on a ${type} state ("an optional field in the following states: Map, Task, Parallel")`, () => {
      const state: Record<string, unknown> = { Type: type, ResultSelector: {}, Next: 'S' };
      if (type === 'Wait') state.Seconds = 0;
      if (type === 'Choice')
        Object.assign(state, { Next: undefined, Choices: [{ Variable: '$.a', IsPresent: true, Next: 'S' }] });
      expect(problems(machine({ A: state, S: { Type: 'Succeed' } }))).toEqual([
        expect.stringContaining("/States/A/ResultSelector: The field 'ResultSelector' is not supported here"),
      ]);
    });
  }
});

describe(`${RESULT_PATH}`, () => {
  const input = { comment: 'This is a test', details: 'Default example', who: 'Step Functions' };

  it('replaces the input with the result by default ("If you don\'t specify a ResultPath, the default behavior is as if you had specified "ResultPath": "$"")', async () => {
    expect((await runStates({ A: task() }, input, hello)).output).toBe('Hello, Step Functions!');
  });

  it('passes the original input through with "ResultPath": null ("the state\'s input payload will be copied directly to the output, with no regard for the result")', async () => {
    expect((await runStates({ A: task({ ResultPath: null }) }, input, hello)).output).toEqual(input);
  });

  it('includes the result with the input ("ResultPath": "$.taskresult")', async () => {
    expect((await runStates({ A: task({ ResultPath: '$.taskresult' }) }, input, hello)).output).toEqual({
      ...input,
      taskresult: 'Hello, Step Functions!',
    });
  });

  it('inserts the result as a child node ("You can also insert the result into a child node of the input")', async () => {
    const strings = { comment: 'An input comment.', strings: { string1: 'foo', string2: 'bar' }, who: 'x' };
    const result = await runStates({ A: task({ ResultPath: '$.strings.lambdaresult' }) }, strings, hello);
    expect(result.output).toEqual({
      ...strings,
      strings: { string1: 'foo', string2: 'bar', lambdaresult: 'Hello, Step Functions!' },
    });
  });

  // "you can specify an individual node to overwrite with the result"; specification: "If the raw
  // input has a field at the location addressed by the ResultPath value then in the output that
  // field is discarded and overwritten by the state's result."
  it('overwrites an existing node (specification: "$.master.detail" example)', async () => {
    expect(
      await passOutput({ Result: 6, ResultPath: '$.master.detail' }, { master: { detail: [1, 2, 3] } }),
    ).toEqual({
      master: { detail: 6 },
    });
  });

  // Specification: "Otherwise, a new field is created in the state output, with intervening fields
  // constructed as necessary."
  it('constructs intervening fields (specification: "$.master.result.sum" example)', async () => {
    expect(
      await passOutput({ Result: 6, ResultPath: '$.master.result.sum' }, { master: { detail: [1, 2, 3] } }),
    ).toEqual({ master: { detail: [1, 2, 3], result: { sum: 6 } } });
  });

  it('refuses a path that is not a reference path ("ResultPath is limited to using reference paths")', () => {
    expect(problems(machine({ A: { Type: 'Pass', ResultPath: '$.a[*]', End: true } }))).toEqual([
      expect.stringContaining("ResultPath '$.a[*]' must be a reference path"),
    ]);
  });

  // "The following state types can generate a result and can include ResultPath: Pass, Task,
  // Parallel, Map"
  it('refuses ResultPath on a Choice state, which the list leaves out', () => {
    const def = machine({
      C: {
        Type: 'Choice',
        ResultPath: '$.x',
        Choices: [{ Variable: '$.a', IsPresent: true, Next: 'S' }],
        Default: 'S',
      },
      S: { Type: 'Succeed' },
    });
    expect(problems(def)).toEqual([
      expect.stringContaining("/States/C/ResultPath: The field 'ResultPath' is not supported here"),
    ]);
  });
});

describe(`${OUTPUT_PATH}`, () => {
  it('selects a portion of the state output ("OutputPath enables you to select a portion of the state output")', async () => {
    expect(
      await passOutput({ Result: { keep: 1, drop: 2 }, ResultPath: '$.r', OutputPath: '$.r.keep' }, {}),
    ).toBe(1);
  });

  it('passes the whole node by default ("If you don\'t specify an OutputPath the default value is $")', async () => {
    expect(await passOutput({ Result: 'r', ResultPath: '$.r' }, { a: 1 })).toEqual({ a: 1, r: 'r' });
  });

  // Specification: "The same rule applies to OutputPath processing; if the OutputPath result
  // contains multiple values, the effective output is a JSON array containing all of them."
  it('gathers the values of an OutputPath that yields several into an array (specification)', async () => {
    expect(await passOutput({ OutputPath: '$.a[0,1]' }, { a: [1, 2, 3, 4] })).toEqual([1, 2]);
  });

  // Specification: "If the value of OutputPath is null, that means the input and result are
  // discarded, and the effective output from the state is an empty JSON object, {}."
  it('gives {} for "OutputPath": null (specification)', async () => {
    expect(await passOutput({ OutputPath: null }, { a: 1 })).toEqual({});
  });
});
