/**
 * JSONPath paths as AWS evaluates them (Jayway semantics): what a path selects, the messages when
 * it selects nothing, and ResultPath's writes. Cases marked "recorded" come from the conformance
 * corpus (the AWS cause texts quoted there).
 */
import { describe, expect, it } from 'vitest';
import {
  normalized,
  PathSyntaxError,
  PathWriteError,
  parsePath,
  readPath,
  writePath,
} from '../../../asl/jsonpath/path.ts';

const read = (path: string, data: unknown) => readPath(parsePath(path), data);

const store = {
  items: [
    { id: 1, status: 0, tags: ['a'] },
    { id: 2, status: 1 },
    { id: 3, status: 0, price: 9.5 },
  ],
  owner: { name: 'Ada', address: { city: 'Paris' } },
  'odd key': true,
  "it's": 'quoted',
};

describe('parsePath', () => {
  it('names the root: $ the data, $$ the context object, $name a variable', () => {
    expect(parsePath('$').root).toEqual({ kind: 'data' });
    expect(parsePath('$$.Execution.Id').root).toEqual({ kind: 'context' });
    expect(parsePath('$total.count').root).toEqual({ kind: 'variable', name: 'total' });
    expect(parsePath('$.a').root).toEqual({ kind: 'data' });
  });

  it('tells definite paths (one node) from indefinite ones (a list)', () => {
    for (const p of ['$', '$.a.b', "$['a'][0]", '$.a[-1]', '$var.x'])
      expect(parsePath(p).definite, p).toBe(true);
    for (const p of ['$.a[*]', '$..id', '$.a[0:2]', '$.a[?(@.x == 1)]', "$['a','b']", '$.a[0,1]', '$.*']) {
      expect(parsePath(p).definite, p).toBe(false);
    }
  });

  it('refuses what is not a path, saying where and what was expected', () => {
    expect(() => parsePath('a.b')).toThrow(PathSyntaxError);
    expect(() => parsePath('a.b')).toThrow("expected '$' (a path starts with $, $$ or $name) at position 1");
    expect(() => parsePath('$.a[')).toThrow(/position 5/);
    expect(() => parsePath("$['a")).toThrow(/closing '/);
    expect(() => parsePath('$.')).toThrow(/a property name/);
    expect(() => parsePath('$.items.length()')).toThrow(/path functions/);
  });
});

describe('readPath: definite paths', () => {
  it('reads fields, indexes (negative from the end) and quoted names', () => {
    expect(read('$.owner.address.city', store)).toEqual({ found: true, value: 'Paris' });
    expect(read('$.items[1].id', store)).toEqual({ found: true, value: 2 });
    expect(read('$.items[-1].id', store)).toEqual({ found: true, value: 3 });
    expect(read("$['odd key']", store)).toEqual({ found: true, value: true });
    expect(read("$['it\\'s']", store)).toEqual({ found: true, value: 'quoted' });
    expect(read('$', 5)).toEqual({ found: true, value: 5 });
  });

  it('keeps a backslash that escapes nothing in a quoted name (recorded: ESCAPE_SEQUENCES_JSONPATH)', () => {
    expect(read(`$['Test\\""Name"']`, { 'Test\\""Name"': 'v' })).toEqual({ found: true, value: 'v' });
  });

  it('finds a field whose value is null', () => {
    expect(read('$.a', { a: null })).toEqual({ found: true, value: null });
  });

  it("gives Jayway's reasons when it selects nothing (recorded causes)", () => {
    // scenarios.test_base_scenarios.test_invalid_jsonpath.ST.INVALID_JSONPATH_IN_INPUTPATH
    expect(read('$.NoSuchInputPath', { 'int-literal': 0 })).toEqual({
      found: false,
      reason: "No results for path: $['NoSuchInputPath']",
    });
    // scenarios.test_base_scenarios.test_catch_states_runtime
    expect(read('$.no.such.result.path', {})).toEqual({
      found: false,
      reason: "Missing property in path $['no']",
    });
    expect(read('$.items[7]', store)).toEqual({ found: false, reason: "No results for path: $['items'][7]" });
    expect(read('$.owner.name.first', store)).toMatchObject({ found: false });
  });

  it('does not read inherited members of objects', () => {
    expect(read('$.constructor', {})).toMatchObject({ found: false });
    expect(read('$.toString', { a: 1 })).toMatchObject({ found: false });
  });
});

describe('readPath: indefinite paths answer a list', () => {
  it('wildcards, slices and lists of indexes or names', () => {
    expect(read('$.items[*].id', store)).toEqual({ found: true, value: [1, 2, 3] });
    expect(read('$.items[:1]', store)).toEqual({ found: true, value: [store.items[0]] });
    expect(read('$.items[1:].id', store)).toEqual({ found: true, value: [2, 3] });
    expect(read('$.items[-2:].id', store)).toEqual({ found: true, value: [2, 3] });
    expect(read('$.items[0:3:2].id', store)).toEqual({ found: true, value: [1, 3] });
    expect(read('$.items[0,2].id', store)).toEqual({ found: true, value: [1, 3] });
    expect(read("$.owner['name','missing']", store)).toEqual({ found: true, value: ['Ada'] });
    expect(read('$.owner.*', store)).toEqual({ found: true, value: ['Ada', { city: 'Paris' }] });
  });

  it('skips items that lack the field, and answers an empty list rather than failing', () => {
    expect(read('$.items[*].price', store)).toEqual({ found: true, value: [9.5] });
    expect(read('$.items[*].nothing', store)).toEqual({ found: true, value: [] });
  });

  it('filters with comparisons, existence, && || ! and parentheses', () => {
    const ids = (filter: string) => read(`$.items[?(${filter})].id`, store);
    expect(ids('@.status == 0')).toEqual({ found: true, value: [1, 3] });
    expect(ids('@.status != 0')).toEqual({ found: true, value: [2] });
    expect(ids('@.id > 1 && @.status == 0')).toEqual({ found: true, value: [3] });
    expect(ids('@.id == 1 || @.id == 2')).toEqual({ found: true, value: [1, 2] });
    expect(ids('@.price')).toEqual({ found: true, value: [3] });
    expect(ids('!(@.price)')).toEqual({ found: true, value: [1, 2] });
    expect(ids("@.tags[0] == 'a'")).toEqual({ found: true, value: [1] });
    // Values of different types are never equal, and order compares like with like only.
    expect(ids("@.status == '0'")).toEqual({ found: true, value: [] });
    expect(ids("@.id < 'z'")).toEqual({ found: true, value: [] });
  });

  it('scans the whole document with .., matches at each level before its descendants', () => {
    const doc = { id: 0, a: { id: 1, b: { id: 2 } }, c: [{ id: 3 }] };
    expect(read('$..id', doc)).toEqual({ found: true, value: [0, 1, 2, 3] });
    expect(read('$..b.id', doc)).toEqual({ found: true, value: [2] });
  });
});

describe('writePath (ResultPath)', () => {
  const write = (path: string, root: unknown, value: unknown) => writePath(parsePath(path), root, value);

  it('replaces the whole input at $', () => {
    expect(write('$', { a: 1 }, 'result')).toBe('result');
  });

  it('sets a field, creating the intervening objects (States Language, ResultPath)', () => {
    expect(write('$.a.b.c', { keep: 1 }, 2)).toEqual({ keep: 1, a: { b: { c: 2 } } });
    expect(write('$.keep', { keep: 1 }, 3)).toEqual({ keep: 3 });
  });

  it('does not change the input it was given', () => {
    const input = { a: { b: 1 }, list: [1, 2] };
    write('$.a.c', input, 2);
    write('$.list[0]', input, 9);
    expect(input).toEqual({ a: { b: 1 }, list: [1, 2] });
  });

  it('sets an existing array element', () => {
    expect(write('$.list[1]', { list: [1, 2] }, 'x')).toEqual({ list: [1, 'x'] });
  });

  it('refuses to go through a value that is not an object, or past an array end', () => {
    expect(() => write('$.a.b', { a: 'text' }, 1)).toThrow(PathWriteError);
    expect(() => write('$.a.b', { a: 'text' }, 1)).toThrow("in path $['a'] but found 'java.lang.String'");
    expect(() => write('$.list[5]', { list: [] }, 1)).toThrow(/out of bounds/);
  });
});

describe('normalized', () => {
  it("writes Jayway's bracket form", () => {
    expect(normalized(parsePath('$.a[0].b'))).toBe("$['a'][0]['b']");
    expect(normalized(parsePath('$.a[0].b'), 1)).toBe("$['a']");
  });
});

describe('a key named __proto__ is a key like any other (found by review)', () => {
  it('is written by ResultPath, not taken as the prototype', () => {
    const out = writePath(parsePath('$.__proto__'), JSON.parse('{"a":1}'), 5) as Record<string, unknown>;
    expect(JSON.stringify(out)).toBe('{"a":1,"__proto__":5}');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('is kept by a payload template, with and without .$', async () => {
    const { compilePayload, evaluatePayload } = await import('../../../asl/jsonpath/payload.ts');
    const template = compilePayload(JSON.parse('{"__proto__.$":"$.a","k":1}'), () => {});
    if (!template) throw new Error('the template did not compile');
    const out = evaluatePayload(template, {
      read: (path) => readPathValue(path.source),
      resolve: () => ({ ok: true, value: null }),
      intrinsics: { uuid: () => '', random: () => 0 },
    });
    expect(JSON.stringify(out.ok && out.value)).toBe('{"__proto__":1,"k":1}');
  });
});

function readPathValue(source: string) {
  const r = readPath(parsePath(source), { a: 1 });
  return r.found
    ? { ok: true as const, value: r.value }
    : { ok: false as const, error: 'States.Runtime', message: r.reason };
}
