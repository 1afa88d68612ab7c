import { describe, expect, it } from 'vitest';
import { Bindings, compareValue, tryMatch } from './match.ts';

const matches = (expected: unknown, actual: unknown, bindings = new Bindings()): boolean =>
  compareValue(expected, actual, bindings) === undefined;

describe('compareValue', () => {
  it('accepts any JSON value for an expected value that is exactly one placeholder', () => {
    for (const actual of ['2024-01-01T00:00:00Z', 42, null, { a: 1 }, [1]]) {
      expect(matches('{{ph:date}}', actual)).toBe(true);
    }
  });

  it('does not accept a missing value for a placeholder', () => {
    expect(compareValue({ a: '{{ph:date}}' }, {}, new Bindings())?.reason).toBe('missing keys a');
  });

  it('matches a string with embedded placeholders by pattern', () => {
    const arn =
      'arn:{{ph:partition}}:states:{{ph:region}}:111111111111:execution:{{ph:ArnPart_0idx}}:{{ph:ExecArnPart_0idx}}';
    expect(matches(arn, 'arn:aws:states:us-east-1:111111111111:execution:Machine:exec-1')).toBe(true);
    expect(matches(arn, 'arn:aws:states:us-east-1:222222222222:execution:Machine:exec-1')).toBe(false);
    expect(matches(arn, 'arn:aws:states:us-east-1:111111111111:execution:Machine:')).toBe(false);
  });

  it('treats regex characters in the literal parts literally', () => {
    expect(matches('a.b ({{ph:x}})', 'a.b (1)')).toBe(true);
    expect(matches('a.b ({{ph:x}})', 'aXb (1)')).toBe(false);
  });

  it('binds an indexed placeholder to one value within a case', () => {
    const bindings = new Bindings();
    expect(matches(['{{ph:uuid:1}}', '{{ph:uuid:1}}'], ['a', 'a'], bindings)).toBe(true);
    expect(matches(['{{ph:uuid:1}}', '{{ph:uuid:1}}'], ['a', 'b'], new Bindings())).toBe(false);
    expect(matches('{{ph:uuid:1}}', 'c', bindings)).toBe(false);
  });

  it('binds indexed placeholders captured inside strings, and checks them later', () => {
    const bindings = new Bindings();
    expect(matches('execution:{{ph:ArnPart_0idx}}:x', 'execution:Machine:x', bindings)).toBe(true);
    expect(matches('{{ph:ArnPart_0idx}}', 'Machine', bindings)).toBe(true);
    expect(matches('{{ph:ArnPart_0idx}}', 'Other', bindings)).toBe(false);
    expect(matches('id {{ph:uuid:2}} and {{ph:uuid:2}}', 'id a and b', new Bindings())).toBe(false);
  });

  it('lets unindexed placeholders stand for different values', () => {
    expect(matches(['{{ph:date}}', '{{ph:date}}'], ['a', 'b'])).toBe(true);
  });

  it('accepts placeholder text echoed back from a replayed recording without binding it', () => {
    const bindings = new Bindings();
    expect(matches('{{ph:uuid:1}}', '{{ph:uuid:1}}', bindings)).toBe(true);
    expect(matches('{{ph:uuid:1}}', 'real-id', bindings)).toBe(true);
    expect(matches('req {{ph:uuid:1}}', 'req {{ph:uuid:1}}', bindings)).toBe(true);
  });

  it('ignores object key order and reports missing and extra keys with their path', () => {
    expect(matches({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).toBe(true);
    const m = compareValue({ a: { b: 1 } }, { a: { c: 1 } }, new Bindings());
    expect(m).toMatchObject({ path: '$.a', reason: 'missing keys b; extra keys c' });
  });

  it('reports the first differing element of an array by index', () => {
    expect(compareValue([1, 2, 3], [1, 5, 3], new Bindings())).toMatchObject({
      path: '$[1]',
      expected: 2,
      actual: 5,
    });
    expect(compareValue([1], [1, 2], new Bindings())?.reason).toBe('expected 1 elements, got 2');
  });

  it('distinguishes JSON types: a string is not a number and null is not an object', () => {
    expect(compareValue('1', 1, new Bindings())?.reason).toBe('expected a string, got number');
    expect(compareValue({}, null, new Bindings())?.reason).toBe('expected an object, got null');
    expect(matches(1, 1.0)).toBe(true);
  });
});

describe('tryMatch', () => {
  it('keeps the bindings unchanged when the values do not match', () => {
    const bindings = new Bindings();
    expect(tryMatch(['{{ph:uuid:1}}', 'x'], ['a', 'y'], bindings)).toBe(false);
    expect(bindings.get('uuid:1')).toBeUndefined();
    expect(tryMatch(['{{ph:uuid:1}}', 'x'], ['a', 'x'], bindings)).toBe(true);
    expect(bindings.get('uuid:1')).toBe('a');
  });
});
