/**
 * Rules of the Developer Guide page "Using JSONPath paths"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html), run on
 * the engine and checked against parseDefinition, the validator `wf validate` runs. Quotes are from
 * the page's English copy (docs.amazonaws.cn/en_us/.../amazon-states-language-paths.md) as the
 * search index held it; its section "Flattening an array of arrays" was held only in machine
 * translations (zh, ko), so that rule quotes the page's code and renders the sentence from them.
 * Where the page is silent, the States Language specification (https://states-language.net/spec.html)
 * is quoted and named.
 */
import { describe, expect, it } from 'vitest';
import { machine, passOutput, runStates } from './jsonpath.ts';
import { problems } from './problems.ts';

const PAGE = 'Using JSONPath paths';

// "For example, if state input data contains the following values:"
const EXAMPLE = { foo: 123, bar: ['a', 'b', 'c'], car: { cdr: true } };

const pass = (fields: Record<string, unknown>) => machine({ A: { Type: 'Pass', End: true, ...fields } });

describe(`${PAGE}: paths`, () => {
  // "The following reference paths would return the following.
  //  $.foo => 123  $.bar => ["a", "b", "c"]  $.car.cdr => true"
  for (const [path, expected] of [
    ['$.foo', 123],
    ['$.bar', ['a', 'b', 'c']],
    ['$.car.cdr', true],
  ] as const) {
    it(`${path} => ${JSON.stringify(expected)} ("The following reference paths would return the following")`, async () => {
      expect(await passOutput({ InputPath: path }, EXAMPLE)).toEqual(expected);
    });
  }

  it('refuses a path that does not begin with $ ("a path is a string beginning with $")', () => {
    expect(problems(pass({ InputPath: 'foo' }))).toEqual([
      expect.stringContaining("/States/A/InputPath: InputPath 'foo' is not a valid JSONPath"),
    ]);
  });

  // "You must use square bracket notation if your field name contains any character that is not
  // included in the member-name-shorthand definition of the JsonPath ABNF rule."
  it('reads a field whose name holds a space through square bracket notation ("you must use square bracket notation")', async () => {
    expect(await passOutput({ InputPath: "$.abc['def ghi']" }, { abc: { 'def ghi': 7 } })).toBe(7);
  });
});

describe(`${PAGE}: reference paths`, () => {
  // "A reference path is a path whose syntax is limited in such a way that it can identify only a
  // single node in a JSON structure". ResultPath takes only reference paths (see
  // input-output-resultpath: "ResultPath is limited to using reference paths").

  it('accepts dot and square bracket notation ("You can access object fields using only dot (.) and square bracket ([ ]) notation")', async () => {
    expect(await passOutput({ Result: 1, ResultPath: "$.a['b'].c" }, {})).toEqual({ a: { b: { c: 1 } } });
  });

  it('refuses a function ("Functions such as length() aren\'t supported")', () => {
    expect(problems(pass({ ResultPath: '$.bar.length()' }))).toEqual([
      expect.stringContaining('path functions such as length() are not supported'),
    ]);
  });

  it('refuses a filter ("Filtering by regular expression or by referencing another value in the JSON structure is not supported")', () => {
    expect(problems(pass({ ResultPath: '$.bar[?(@.a >= 5)]' }))).toEqual([
      expect.stringContaining("ResultPath '$.bar[?(@.a >= 5)]' must be a reference path"),
    ]);
  });

  for (const [operator, path] of [
    [',', "$['foo','bar']"],
    [':', '$.bar[0:2]'],
    ['?', '$.bar[?(@ == 1)]'],
    ['@', '$.bar[(@.length-1)]'],
  ] as const) {
    it(`refuses the operator ${operator} ("The operators @, ,, :, and ? are not supported")`, () => {
      expect(problems(pass({ ResultPath: path })).join('\n')).toMatch(
        /ResultPath .* (must be a reference path|is not a valid JSONPath)/,
      );
    });
  }

  // Specification, "Using InputPath, Parameters, ResultSelector, ResultPath and OutputPath": 'The
  // value of "ResultPath" MUST NOT begin with "$$"; i.e. it may not be used to insert content into
  // the Context Object.'
  it('refuses a ResultPath that begins with $$ (specification: "MUST NOT begin with "$$"")', () => {
    expect(problems(pass({ ResultPath: '$$.Execution.Id' }))).toEqual([
      expect.stringContaining("ResultPath '$$.Execution.Id' must be a reference path"),
    ]);
  });
});

describe(`${PAGE}: flattening an array of arrays`, () => {
  // Rendered from the translations: "If a Parallel or Map state in your state machine returns an
  // array of arrays, you can use the ResultSelector field to transform them into a flat array."
  // The page's code: "ResultSelector": { "flattenArray.$": "$[*][*]" }
  it('flattens the arrays a Parallel state returns with "flattenArray.$": "$[*][*]"', async () => {
    const branch = (result: unknown) => ({
      StartAt: 'B',
      States: { B: { Type: 'Pass', Result: result, End: true } },
    });
    const result = await runStates({
      P: {
        Type: 'Parallel',
        Branches: [branch([1, 2]), branch([3])],
        ResultSelector: { 'flattenArray.$': '$[*][*]' },
        End: true,
      },
    });
    expect(result.output).toEqual({ flattenArray: [1, 2, 3] });
  });
});

describe(`${PAGE}: bracket notation`, () => {
  // "Therefore, to encode special characters, such as punctuation marks (excluding _), you must use
  // square bracket notation. For example, $.abc.['def ghi']." Jayway JsonPath, whose syntax AWS
  // follows, reads the dot before the bracket as $.abc['def ghi'].
  it("reads the page's example $.abc.['def ghi']", async () => {
    expect(await passOutput({ InputPath: "$.abc.['def ghi']" }, { abc: { 'def ghi': 7 } })).toBe(7);
  });
});
