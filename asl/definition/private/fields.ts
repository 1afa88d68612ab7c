/**
 * Which fields each state type takes under JSONata, and the messages for JSONPath fields that
 * JSONata states refuse, naming the JSONata field to use instead.
 * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
import { isExpressionString } from '../../jsonata/expression.ts';
import type { StateType } from '../types.ts';
import { allowOnly, fail, type Raw, type Reporter } from './reporter.ts';

const COMMON = ['Type', 'Comment', 'QueryLanguage'];
const FLOW = ['Next', 'End'];
const ERRORS = ['Retry', 'Catch'];

/** Fields each state type takes under JSONata. */
const JSONATA_FIELDS: Record<StateType, readonly string[]> = {
  Pass: [...COMMON, ...FLOW, 'Output', 'Assign'],
  Task: [
    ...COMMON,
    ...FLOW,
    ...ERRORS,
    'Resource',
    'Arguments',
    'Output',
    'Assign',
    'TimeoutSeconds',
    'HeartbeatSeconds',
    'Credentials',
  ],
  Choice: [...COMMON, 'Choices', 'Default', 'Output', 'Assign'],
  Wait: [...COMMON, ...FLOW, 'Seconds', 'Timestamp', 'Output', 'Assign'],
  Succeed: [...COMMON, 'Output'],
  Fail: [...COMMON, 'Error', 'Cause'],
  Parallel: [...COMMON, ...FLOW, ...ERRORS, 'Branches', 'Arguments', 'Output', 'Assign'],
  Map: [
    ...COMMON,
    ...FLOW,
    ...ERRORS,
    'ItemProcessor',
    'Iterator',
    'Items',
    'ItemSelector',
    'ItemReader',
    'ItemBatcher',
    'ResultWriter',
    'MaxConcurrency',
    'ToleratedFailureCount',
    'ToleratedFailurePercentage',
    'Label',
    'Output',
    'Assign',
  ],
};

/** Fields that exist only in the JSONPath query language. */
const JSONPATH_ONLY = new Set([
  'InputPath',
  'OutputPath',
  'Parameters',
  'ResultSelector',
  'ResultPath',
  'Result',
  'ItemsPath',
  'MaxConcurrencyPath',
  'ToleratedFailureCountPath',
  'ToleratedFailurePercentagePath',
  'TimeoutSecondsPath',
  'HeartbeatSecondsPath',
  'SecondsPath',
  'TimestampPath',
  'ErrorPath',
  'CausePath',
]);

const JSONATA_REPLACEMENT: Record<string, string> = {
  Parameters: 'Use Arguments instead.',
  ResultSelector: 'Use Output with $states.result instead.',
  ResultPath: 'Use Output (or Assign) with $states.result instead.',
  OutputPath: 'Use Output instead.',
  InputPath: 'Read $states.input in Arguments or Output instead.',
  Result: 'Use Output instead.',
  ItemsPath: 'Use Items instead.',
  SecondsPath: 'Use Seconds with "{% expression %}" instead.',
  TimestampPath: 'Use Timestamp with "{% expression %}" instead.',
  TimeoutSecondsPath: 'Use TimeoutSeconds with "{% expression %}" instead.',
  HeartbeatSecondsPath: 'Use HeartbeatSeconds with "{% expression %}" instead.',
  ErrorPath: 'Use Error with "{% expression %}" instead.',
  CausePath: 'Use Cause with "{% expression %}" instead.',
  MaxConcurrencyPath: 'Use MaxConcurrency with "{% expression %}" instead.',
  ToleratedFailureCountPath: 'Use ToleratedFailureCount with "{% expression %}" instead.',
  ToleratedFailurePercentagePath: 'Use ToleratedFailurePercentage with "{% expression %}" instead.',
};

const STATE_TYPES = new Set<string>(Object.keys(JSONATA_FIELDS));

export function isStateType(type: unknown): type is StateType {
  return typeof type === 'string' && STATE_TYPES.has(type);
}

/**
 * Reports JSONPath fields (with their JSONata replacement), `.$` keys, fields the state type does
 * not take, and misplaced expressions, in that order.
 */
export function checkStateFields(reporter: Reporter, raw: Raw, path: string, type: StateType): void {
  for (const key of Object.keys(raw)) {
    if (JSONPATH_ONLY.has(key)) {
      fail(
        reporter,
        `${path}/${key}`,
        `The field '${key}' is not supported by the JSONata query language`,
        JSONATA_REPLACEMENT[key] ?? 'Remove it.',
      );
    } else if (key.endsWith('.$')) {
      fail(
        reporter,
        `${path}/${key}`,
        `The field '${key}' uses JSONPath '.$' syntax, which JSONata states do not take`,
        `Name it '${key.slice(0, -2)}' and write its value as "{% expression %}".`,
      );
    }
  }
  allowOnly(reporter, raw, path, JSONATA_FIELDS[type], (key) => JSONPATH_ONLY.has(key) || key.endsWith('.$'));
  checkMisplacedExpressions(reporter, raw, path);
}

/** A string with `{%` that is not one whole expression is a literal on AWS, unless it looks meant as one. */
function checkMisplacedExpressions(reporter: Reporter, raw: Raw, path: string): void {
  for (const key of ['Output', 'Arguments', 'Items', 'ItemSelector']) {
    const value = raw[key];
    if (typeof value === 'string' && value.trim() !== value && isExpressionString(value.trim())) {
      fail(
        reporter,
        `${path}/${key}`,
        `The expression is surrounded by whitespace, so it is not one whole "{% %}" string`,
        'Remove the spaces before "{%" and after "%}".',
      );
    }
  }
}
