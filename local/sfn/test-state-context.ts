/**
 * TestState's `context`: "A JSON string representing a valid Context object for the state under
 * test. This field may only be specified if a mock is specified in the same request."
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html
 *
 * The messages are those AWS answers (recorded against AWS by LocalStack's TestState suite).
 */
import type { State, TestStateContext } from '../../asl/index.ts';
import { SfnApiError } from './errors.ts';

/** The fields a given context object may hold, and the type each must have. */
const FIELDS: Record<string, Record<string, 'string' | 'number' | 'any'>> = {
  Execution: {
    Id: 'string',
    Input: 'any',
    Name: 'string',
    RoleArn: 'string',
    StartTime: 'string',
    RedriveCount: 'number',
  },
  StateMachine: { Id: 'string', Name: 'string' },
  State: { EnteredTime: 'string', Name: 'string', RetryCount: 'number' },
  Task: { Token: 'string' },
};

export interface ParsedContext {
  readonly context: TestStateContext;
  /** State.Name, the name `$states.context.State.Name` shows. */
  readonly stateName?: string;
}

/** Checks the context object as AWS does and turns it into the engine's TestStateContext. */
export function parseContext(text: string, state: State): ParsedContext {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    invalid(`the context is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isObject(raw)) invalid('the context must be a JSON object');
  for (const [key, value] of Object.entries(raw)) {
    // AWS: "'Map' field is not supported when mocking a Context object".
    if (key === 'Map') invalid("'Map' field is not supported when mocking a Context object");
    const fields = FIELDS[key];
    if (!fields) invalid(`Field '${key}' is not allowed`);
    if (!isObject(value)) invalid(`${key} must be an object`);
    for (const [name, field] of Object.entries(value)) {
      const type = fields[name];
      if (!type) invalid(`Field '${name}' is not allowed`);
      if (type !== 'any' && typeof field !== type) invalid(`${key}.${name} must be a ${type}`);
    }
  }
  const pattern = state.type === 'Task' ? state.resource.pattern : undefined;
  if ('Task' in raw && pattern !== 'sync' && pattern !== 'sync:2' && pattern !== 'waitForTaskToken') {
    invalid(
      "Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern",
    );
  }
  const execution = (raw.Execution ?? {}) as Record<string, unknown>;
  const machine = (raw.StateMachine ?? {}) as Record<string, unknown>;
  const visit = (raw.State ?? {}) as Record<string, unknown>;
  const task = (raw.Task ?? {}) as Record<string, unknown>;
  const context: TestStateContext = {
    execution: {
      ...text_('id', execution.Id),
      ...text_('name', execution.Name),
      ...text_('roleArn', execution.RoleArn),
      ...time('startTime', execution.StartTime, 'Execution.StartTime'),
      ...(typeof execution.RedriveCount === 'number' ? { redriveCount: execution.RedriveCount } : {}),
      ...('Input' in execution ? { input: execution.Input } : {}),
    },
    stateMachine: { ...text_('id', machine.Id), ...text_('name', machine.Name) },
    ...time('enteredTime', visit.EnteredTime, 'State.EnteredTime'),
    ...(typeof visit.RetryCount === 'number' ? { retryCount: count(visit.RetryCount) } : {}),
    ...text_('taskToken', task.Token),
  };
  return { context, ...(typeof visit.Name === 'string' ? { stateName: visit.Name } : {}) };
}

function text_<K extends string>(key: K, value: unknown): { [P in K]?: string } {
  return (typeof value === 'string' ? { [key]: value } : {}) as { [P in K]?: string };
}

function time<K extends string>(key: K, value: unknown, what: string): { [P in K]?: number } {
  if (typeof value !== 'string') return {};
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) invalid(`${what} must be an ISO 8601 timestamp, not '${value}'`);
  return { [key]: ms } as { [P in K]?: number };
}

function count(value: number): number {
  if (!Number.isInteger(value) || value < 0)
    invalid(`State.RetryCount must be a whole number from 0, not ${value}`);
  return value;
}

function invalid(what: string): never {
  throw new SfnApiError('ValidationException', `Invalid Context object provided: ${what}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
