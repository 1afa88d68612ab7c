/**
 * JSONPath states: which fields each state type takes, and parsing the fields of the JSONPath data
 * flow (InputPath, Parameters, Result, ResultSelector, ResultPath, OutputPath, Assign) and the
 * `...Path` variants of numeric and string fields.
 * https://states-language.net/spec.html#filters
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html
 */
import { isExpressionString } from '../../jsonata/expression.ts';
import { type JsonPath, parsePath, pathHint } from '../../jsonpath/path.ts';
import { compileDynamic, compilePayload, type PayloadTemplate } from '../../jsonpath/payload.ts';
import type { Dynamic, JsonPathFields, StateType } from '../types.ts';
import { allowOnly, checkVariableNames, fail, isAssignObject, type Raw, type Reporter } from './reporter.ts';

const COMMON = ['Type', 'Comment', 'QueryLanguage'];
const FLOW = ['Next', 'End'];
const ERRORS = ['Retry', 'Catch'];
const IO = ['InputPath', 'OutputPath'];
const RESULT = ['ResultPath', 'ResultSelector'];

/** Fields each state type takes under JSONPath (States Language, "State Types" table). */
const JSONPATH_FIELDS: Record<StateType, readonly string[]> = {
  Pass: [...COMMON, ...FLOW, ...IO, 'Parameters', 'Result', 'ResultPath', 'Assign'],
  Task: [
    ...COMMON,
    ...FLOW,
    ...IO,
    ...RESULT,
    ...ERRORS,
    'Resource',
    'Parameters',
    'Assign',
    'TimeoutSeconds',
    'TimeoutSecondsPath',
    'HeartbeatSeconds',
    'HeartbeatSecondsPath',
    'Credentials',
  ],
  Choice: [...COMMON, ...IO, 'Choices', 'Default', 'Assign'],
  Wait: [...COMMON, ...FLOW, ...IO, 'Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath', 'Assign'],
  Succeed: [...COMMON, ...IO],
  Fail: [...COMMON, 'Error', 'ErrorPath', 'Cause', 'CausePath'],
  Parallel: [...COMMON, ...FLOW, ...IO, ...RESULT, ...ERRORS, 'Branches', 'Parameters', 'Assign'],
  Map: [
    ...COMMON,
    ...FLOW,
    ...IO,
    ...RESULT,
    ...ERRORS,
    'ItemProcessor',
    'Iterator',
    'ItemsPath',
    'ItemSelector',
    'Parameters',
    'ItemReader',
    'ItemBatcher',
    'ResultWriter',
    'MaxConcurrency',
    'MaxConcurrencyPath',
    'ToleratedFailureCount',
    'ToleratedFailureCountPath',
    'ToleratedFailurePercentage',
    'ToleratedFailurePercentagePath',
    'Label',
    'Assign',
  ],
};

const JSONATA_ONLY: Record<string, string> = {
  Arguments: 'Use Parameters, or set "QueryLanguage": "JSONata" on the state.',
  Output: 'Use OutputPath (or ResultSelector/ResultPath), or set "QueryLanguage": "JSONata" on the state.',
  Items: 'Use ItemsPath, or set "QueryLanguage": "JSONata" on the state.',
};

/** Reports JSONata-only fields (with the JSONPath field to use) and fields the type does not take. */
export function checkJsonPathFields(reporter: Reporter, raw: Raw, path: string, type: StateType): void {
  for (const key of Object.keys(raw)) {
    const replacement = JSONATA_ONLY[key];
    if (replacement) {
      fail(
        reporter,
        `${path}/${key}`,
        `The field '${key}' is not supported by the JSONPath query language`,
        replacement,
      );
    }
  }
  allowOnly(reporter, raw, path, JSONPATH_FIELDS[type], (key) => key in JSONATA_ONLY);
  for (const key of [
    'Seconds',
    'Timestamp',
    'TimeoutSeconds',
    'HeartbeatSeconds',
    'Error',
    'Cause',
    'MaxConcurrency',
  ]) {
    const value = raw[key];
    if (typeof value === 'string' && isExpressionString(value)) {
      fail(
        reporter,
        `${path}/${key}`,
        `The field '${key}' is a JSONata expression, which a JSONPath state does not evaluate`,
        `Set "QueryLanguage": "JSONata" on the state, or use ${key}Path with a JSONPath.`,
      );
    }
  }
}

/** A path field; `nullable` fields take `null` (InputPath, OutputPath, ResultPath). */
export function pathField(
  reporter: Reporter,
  raw: Raw,
  key: string,
  path: string,
  options: { nullable?: boolean; reference?: boolean } = {},
): JsonPath | null | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (value === null && options.nullable) return null;
  if (typeof value !== 'string') {
    return fail(
      reporter,
      `${path}/${key}`,
      `${key} must be a JSONPath string${options.nullable ? ' or null' : ''}, not ${JSON.stringify(value)}`,
      `Write "${key}": "$.field".`,
    );
  }
  let parsed: JsonPath;
  try {
    parsed = parsePath(value);
  } catch (error) {
    return fail(
      reporter,
      `${path}/${key}`,
      `${key} '${value}' is not a valid JSONPath (${(error as Error).message})`,
      pathHint(error, value),
    );
  }
  if (options.reference && (!parsed.definite || parsed.root.kind !== 'data')) {
    return fail(
      reporter,
      `${path}/${key}`,
      `${key} '${value}' must be a reference path: one node of the input, named by fields and indexes only`,
      'Use a path like "$.result" or "$.items[0].value" (no wildcards, filters, slices, $$ or variables).',
    );
  }
  return parsed;
}

/** A payload template field (Parameters, ResultSelector, ItemSelector, ...). */
export function payloadField(reporter: Reporter, value: unknown, path: string): PayloadTemplate | undefined {
  if (value === undefined) return undefined;
  return compilePayload(value, (p) => fail(reporter, `${path}${p.location}`, p.message, p.hint), '');
}

/** A JSONPath Assign: variable names (a `.$` suffix takes a path), values as a payload template. */
export function jsonPathAssign(
  reporter: Reporter,
  value: unknown,
  path: string,
): PayloadTemplate | undefined {
  if (value === undefined || !isAssignObject(reporter, value, path)) return undefined;
  checkVariableNames(reporter, value, path, (key) => (key.endsWith('.$') ? key.slice(0, -2) : key));
  return payloadField(reporter, value, path);
}

/** The data-flow fields of a JSONPath state (those its type takes; the field check refuses the rest). */
export function jsonPathIO(reporter: Reporter, raw: Raw, path: string): JsonPathFields {
  const inputPath = pathField(reporter, raw, 'InputPath', path, { nullable: true });
  const outputPath = pathField(reporter, raw, 'OutputPath', path, { nullable: true });
  const resultPath = pathField(reporter, raw, 'ResultPath', path, { nullable: true, reference: true });
  const parameters =
    raw.Type === 'Map' ? undefined : payloadField(reporter, raw.Parameters, `${path}/Parameters`);
  const resultSelector = payloadField(reporter, raw.ResultSelector, `${path}/ResultSelector`);
  const assign = jsonPathAssign(reporter, raw.Assign, `${path}/Assign`);
  return {
    ...(inputPath !== undefined ? { inputPath } : {}),
    ...(outputPath !== undefined ? { outputPath } : {}),
    ...(resultPath !== undefined ? { resultPath } : {}),
    ...(parameters ? { parameters } : {}),
    ...(raw.Result !== undefined ? { result: { value: raw.Result } } : {}),
    ...(resultSelector ? { resultSelector } : {}),
    ...(assign ? { assign } : {}),
  };
}

/** A catcher's JSONPath fields: ResultPath and Assign. */
export function catcherIO(reporter: Reporter, raw: Raw, path: string): JsonPathFields {
  const resultPath = pathField(reporter, raw, 'ResultPath', path, { nullable: true, reference: true });
  const assign = jsonPathAssign(reporter, raw.Assign, `${path}/Assign`);
  return {
    ...(resultPath !== undefined ? { resultPath } : {}),
    ...(assign ? { assign } : {}),
  };
}

/**
 * The `<key>Path` variant of a field (`SecondsPath` for `Seconds`): a path, or where `intrinsics`
 * allows (ErrorPath, CausePath), an intrinsic function. Both given is refused.
 */
export function pathVariant<T>(
  reporter: Reporter,
  raw: Raw,
  key: string,
  path: string,
  options: { intrinsics?: boolean } = {},
): Dynamic<T> | undefined {
  const field = `${key}Path`;
  const value = raw[field];
  if (value === undefined) return undefined;
  if (raw[key] !== undefined) {
    return fail(reporter, path, `A state cannot have both ${key} and ${field}`, 'Keep one of them.');
  }
  if (!options.intrinsics) {
    const parsed = pathField(reporter, raw, field, path);
    return parsed ? { kind: 'jsonpath', field, template: { kind: 'path', field, path: parsed } } : undefined;
  }
  let ok = true;
  const template = compileDynamic(field, value, `${path}/${field}`, (p) => {
    ok = false;
    fail(reporter, p.location, p.message, p.hint);
  });
  return ok ? { kind: 'jsonpath', field, template } : undefined;
}
