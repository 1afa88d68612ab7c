import { describe, expect, it } from 'vitest';
import { PipesApiError } from '../../../local/pipes/errors.ts';
import { matches, parsePattern } from '../../../local/pipes/filter.ts';

const record = {
  eventName: 'MODIFY',
  dynamodb: {
    Keys: { id: { S: 'order#42' } },
    NewImage: { status: { S: 'Shipped' }, tags: { SS: ['a', 'b'] } },
    SizeBytes: 120,
  },
  userIdentity: null,
};

const match = (pattern: object) => matches(parsePattern(JSON.stringify(pattern)), record);

describe('FilterCriteria patterns (EventBridge syntax)', () => {
  it('matches exact values, any of a list, nested fields and array values', () => {
    expect(match({ eventName: ['MODIFY'] })).toBe(true);
    expect(match({ eventName: ['INSERT', 'MODIFY'] })).toBe(true);
    expect(match({ eventName: ['REMOVE'] })).toBe(false);
    expect(match({ dynamodb: { NewImage: { tags: { SS: ['b'] } } } })).toBe(true);
    expect(match({ dynamodb: { SizeBytes: [120] } })).toBe(true);
    expect(match({ userIdentity: [null] })).toBe(true);
    expect(match({ eventName: ['MODIFY'], dynamodb: { NewImage: { status: { S: ['Pending'] } } } })).toBe(
      false,
    );
  });

  it('matches prefix, suffix, equals-ignore-case and anything-but', () => {
    expect(match({ dynamodb: { Keys: { id: { S: [{ prefix: 'order#' }] } } } })).toBe(true);
    expect(match({ dynamodb: { Keys: { id: { S: [{ suffix: '#42' }] } } } })).toBe(true);
    expect(match({ dynamodb: { NewImage: { status: { S: [{ 'equals-ignore-case': 'shipped' }] } } } })).toBe(
      true,
    );
    expect(match({ eventName: [{ 'anything-but': ['REMOVE'] }] })).toBe(true);
    expect(match({ eventName: [{ 'anything-but': 'MODIFY' }] })).toBe(false);
    expect(match({ dynamodb: { Keys: { id: { S: [{ 'anything-but': { prefix: 'order#' } }] } } } })).toBe(
      false,
    );
  });

  it('matches numeric ranges and exists', () => {
    expect(match({ dynamodb: { SizeBytes: [{ numeric: ['>', 100, '<=', 120] }] } })).toBe(true);
    expect(match({ dynamodb: { SizeBytes: [{ numeric: ['<', 100] }] } })).toBe(false);
    expect(match({ dynamodb: { OldImage: [{ exists: false }] } })).toBe(true);
    expect(match({ dynamodb: { SizeBytes: [{ exists: true }] } })).toBe(true);
    expect(match({ dynamodb: { OldImage: [{ exists: true }] } })).toBe(false);
  });

  it('refuses patterns it cannot match rather than ignoring them', () => {
    for (const text of [
      '[]',
      'nope',
      '{"a": "x"}',
      '{"a": [{"wildcard": "x*"}]}',
      '{"a": [{"numeric": [">"]}]}',
    ]) {
      expect(() => parsePattern(text), text).toThrow(PipesApiError);
    }
  });
});
