import { describe, expect, it } from 'vitest';
import { databaseUnavailable, isServerLoss } from '../../../local/rds-data/errors.ts';
import { RdsDataApiError } from '../../../local/rds-data/index.ts';
import { bindNames } from '../../../local/rds-data/private/sql.ts';
import { parseArray } from '../../../local/rds-data/private/values.ts';

describe('named parameters', () => {
  it('numbers each distinct :name once, in order of first use', () => {
    expect(bindNames('SELECT :b, :a, :b')).toEqual({ text: 'SELECT $1, $2, $1', names: ['b', 'a'] });
  });

  it('leaves casts, strings, identifiers and comments alone', () => {
    const sql = `SELECT :a::int, x::text, ':b', 'it''s :c', E'\\' :d', "col:e", -- :f
      /* :g /* :h */ :i */ :j`;
    const bound = bindNames(sql);
    expect(bound.names).toEqual(['a', 'j']);
    expect(bound.text.startsWith('SELECT $1::int, x::text,')).toBe(true);
    expect(bound.text.endsWith('*/ $2')).toBe(true);
  });

  it('does not take a word ending in e before a string for an E string', () => {
    expect(bindNames("SELECT date'2024-01-01\\', :a").names).toEqual(['a']);
  });

  it('reads :2 in an array slice as a parameter, as the Data API does', () => {
    expect(bindNames('SELECT a[1:2] FROM t').names).toEqual(['2']);
  });

  it('refuses a :name inside a dollar-quoted string rather than change the string', () => {
    expect(() => bindNames('DO $body$ BEGIN PERFORM :x; END $body$')).toThrow(RdsDataApiError);
    expect(bindNames('SELECT $$ a := 1::int $$, $1').names).toEqual([]);
  });
});

describe('array results', () => {
  it('unquotes elements and keeps NULL apart from "NULL"', () => {
    expect(parseArray('{1,NULL,"NULL","a \\"b\\" c","x,y"}')).toEqual(['1', null, 'NULL', 'a "b" c', 'x,y']);
    expect(parseArray('{}')).toEqual([]);
    expect(parseArray('[0:1]={a,b}')).toEqual(['a', 'b']);
  });

  it('refuses a multidimensional array', () => {
    expect(() => parseArray('{{1,2},{3,4}}')).toThrow('multidimensional');
  });
});

describe('an unavailable server', () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

  it('is told from a failing statement: sockets, "Connection terminated", SQLSTATE 08 and 57P01–57P03', () => {
    expect(isServerLoss(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isServerLoss(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isServerLoss(withCode('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isServerLoss(withCode('the database system is starting up', '57P03'))).toBe(true);
    expect(isServerLoss(withCode('connection failure', '08006'))).toBe(true);
    expect(isServerLoss(withCode('canceling statement due to user request', '57014'))).toBe(false);
    expect(isServerLoss(withCode('database "x" does not exist', '3D000'))).toBe(false);
    expect(isServerLoss(withCode('syntax error', '42601'))).toBe(false);
  });

  it('is answered DatabaseUnavailableException (HTTP 504), which callers retry', () => {
    const answer = databaseUnavailable();
    expect(answer.type).toBe('DatabaseUnavailableException');
    expect(answer.status).toBe(504);
  });
});
