/**
 * Parse and validate a definition into the typed tree, refusing what AWS refuses at
 * CreateStateMachine. Every `{% %}` expression is compiled here, once.
 * https://states-language.net/spec.html
 */
import { DefinitionError, DefinitionErrors } from '../errors.ts';
import { optionalPositiveInteger } from './private/dynamic.ts';
import { checkStateFields, isStateType } from './private/fields.ts';
import { checkJsonPathFields, jsonPathIO } from './private/jsonpath-fields.ts';
import { checkLabelsUnique, mapState } from './private/map-state.ts';
import {
  allowOnly,
  assignField,
  fail,
  isObject,
  type Raw,
  type Reporter,
  templateField,
} from './private/reporter.ts';
import {
  type CommonFields,
  choiceState,
  failState,
  parallelState,
  type StateContext,
  taskState,
  transition,
  waitState,
} from './private/states.ts';
import { checkStatesMembers } from './private/states-members.ts';
import type { QueryLanguage, State, StateGraph, StateMachineDefinition } from './types.ts';

export interface ParseOptions {
  /** `${Name}` substitutions applied to every string before parsing (CDK definitionSubstitutions). */
  readonly substitutions?: Readonly<Record<string, string>>;
}

/** Parses a definition (JSON text or an already-parsed object). Throws {@link DefinitionErrors}. */
export function parseDefinition(source: string | object, options: ParseOptions = {}): StateMachineDefinition {
  const { raw: read, text } = readSource(source);
  const raw = options.substitutions ? substitute(read, options.substitutions) : read;
  const context = stateContext();
  const definition = machine(context, raw, text);
  if (context.errors.length > 0 || !definition) throw new DefinitionErrors(context.errors);
  return definition;
}

/**
 * Parses one state on its own, named `name`, as TestState receives it: its transitions may name
 * states that are not there. A state that names no QueryLanguage is JSONPath, AWS's default.
 * Throws {@link DefinitionErrors}.
 */
export function parseState(source: string | object, name: string): State {
  const { raw } = readSource(source);
  const context = stateContext();
  const language = isObject(raw) && raw.QueryLanguage === 'JSONata' ? 'JSONata' : 'JSONPath';
  const parsed = state(context, name, raw, '', language);
  if (context.errors.length > 0 || !parsed) throw new DefinitionErrors(context.errors);
  return parsed;
}

function readSource(source: string | object): { raw: unknown; text: string } {
  const text = typeof source === 'string' ? source : JSON.stringify(source);
  try {
    return { raw: JSON.parse(text), text };
  } catch (error) {
    throw new DefinitionErrors([
      new DefinitionError(
        '/',
        `The definition is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
        'Fix the JSON syntax of the definition file.',
        'INVALID_JSON_DESCRIPTION',
      ),
    ]);
  }
}

function stateContext(): StateContext {
  const context: StateContext = {
    errors: [],
    graph: (branch, path, language) => graph(context, branch, path, language, false),
  };
  return context;
}

/** Replaces `${Key}` in every string, as CloudFormation does for definitionSubstitutions. */
function substitute(value: unknown, substitutions: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z0-9_.-]+)\}/g, (whole, key: string) =>
      Object.hasOwn(substitutions, key) ? (substitutions[key] ?? whole) : whole,
    );
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, substitutions));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, substitutions)]));
  }
  return value;
}

function machine(context: StateContext, raw: unknown, source: string): StateMachineDefinition | undefined {
  if (!isObject(raw)) {
    return fail(
      context,
      '/',
      'The definition must be a JSON object',
      'Write { "StartAt": ..., "States": { ... } }.',
    );
  }
  allowOnly(context, raw, '', ['Comment', 'StartAt', 'States', 'QueryLanguage', 'TimeoutSeconds', 'Version']);
  const queryLanguage = parseQueryLanguage(context, raw.QueryLanguage, '/QueryLanguage') ?? 'JSONPath';
  const top = graph(context, raw, '', queryLanguage, true);
  checkLabelsUnique(context, raw);
  const timeoutSeconds = optionalPositiveInteger(context, raw.TimeoutSeconds, '/TimeoutSeconds');
  if (raw.Version !== undefined && typeof raw.Version !== 'string') {
    fail(context, '/Version', 'Version must be a string', 'Write "Version": "1.0".');
  }
  if (!top) return undefined;
  return {
    ...top,
    queryLanguage,
    source,
    ...(typeof raw.Comment === 'string' ? { comment: raw.Comment } : {}),
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    ...(typeof raw.Version === 'string' ? { version: raw.Version } : {}),
  };
}

function parseQueryLanguage(reporter: Reporter, value: unknown, path: string): QueryLanguage | undefined {
  if (value === undefined) return undefined;
  if (value === 'JSONata' || value === 'JSONPath') return value;
  return fail(
    reporter,
    path,
    `QueryLanguage must be "JSONata" or "JSONPath", not ${JSON.stringify(value)}`,
    'Use "JSONata".',
  );
}

/** The machine itself (`topLevel`), a Parallel branch or a Map's ItemProcessor. */
function graph(
  context: StateContext,
  raw: Raw,
  path: string,
  language: QueryLanguage,
  topLevel: boolean,
): StateGraph | undefined {
  if (typeof raw.StartAt !== 'string') {
    return fail(
      context,
      `${path}/StartAt`,
      'StartAt is missing or not a string',
      'Name the first state in "StartAt".',
    );
  }
  if (!isObject(raw.States) || Object.keys(raw.States).length === 0) {
    return fail(
      context,
      `${path}/States`,
      'States is missing or empty',
      'Define at least one state under "States".',
    );
  }
  if (!topLevel) allowOnly(context, raw, path, ['StartAt', 'States', 'Comment', 'ProcessorConfig']);
  const states = new Map<string, State>();
  for (const [name, rawState] of Object.entries(raw.States)) {
    const statePath = `${path}/States/${name}`;
    if (name.length > 80) {
      fail(
        context,
        statePath,
        `The state name '${name}' is longer than 80 characters`,
        'Shorten the state name.',
      );
    }
    const parsed = state(context, name, rawState, statePath, language);
    if (parsed) states.set(name, parsed);
  }
  if (!Object.hasOwn(raw.States, raw.StartAt)) {
    fail(
      context,
      `${path}/StartAt`,
      `StartAt names '${raw.StartAt}', which is not a state here`,
      `Use one of: ${Object.keys(raw.States).join(', ')}.`,
    );
    return undefined;
  }
  checkTransitions(context, states, raw.StartAt, path);
  return { startAt: raw.StartAt, states };
}

/** Every Next exists in the same graph, and every state is reachable from StartAt. */
function checkTransitions(
  reporter: Reporter,
  states: ReadonlyMap<string, State>,
  startAt: string,
  path: string,
): void {
  const targets = (s: State): string[] => {
    const out: string[] = [];
    if ('transition' in s && !s.transition.end) out.push(s.transition.next);
    if (s.type === 'Choice') {
      for (const c of s.choices) out.push(c.next);
      if (s.default) out.push(s.default);
    }
    if ('catch' in s) for (const c of s.catch) out.push(c.next);
    return out;
  };
  for (const s of states.values()) {
    for (const target of targets(s)) {
      if (!states.has(target)) {
        fail(
          reporter,
          `${path}/States/${s.name}`,
          `The transition to '${target}' names no state in this scope (MISSING_TRANSITION_TARGET)`,
          'Point Next/Default/Catch at a state defined in the same States object.',
        );
      }
    }
  }
  const seen = new Set<string>([startAt]);
  const queue = [startAt];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    const s = states.get(name);
    if (!s) continue;
    for (const t of targets(s)) {
      if (!seen.has(t)) {
        seen.add(t);
        queue.push(t);
      }
    }
  }
  for (const name of states.keys()) {
    if (!seen.has(name)) {
      fail(
        reporter,
        `${path}/States/${name}`,
        `The state '${name}' cannot be reached from StartAt (UNREACHABLE_STATE)`,
        'Remove it, or add a transition to it.',
      );
    }
  }
}

/** Checks what every state shares, then hands the state to the builder for its type. */
function state(
  context: StateContext,
  name: string,
  raw: unknown,
  path: string,
  inherited: QueryLanguage,
): State | undefined {
  if (!isObject(raw)) return fail(context, path, 'A state must be a JSON object', 'Write { "Type": ... }.');
  const type = raw.Type;
  if (!isStateType(type)) {
    return fail(
      context,
      `${path}/Type`,
      `Type ${JSON.stringify(type)} is not a state type`,
      'Use one of Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map.',
    );
  }
  const language = parseQueryLanguage(context, raw.QueryLanguage, `${path}/QueryLanguage`) ?? inherited;
  if (inherited === 'JSONata' && raw.QueryLanguage === 'JSONPath') {
    return fail(
      context,
      `${path}/QueryLanguage`,
      'A JSONPath state cannot appear in a JSONata state machine',
      'Remove "QueryLanguage": "JSONPath" from the state.',
    );
  }
  const jsonPath = language === 'JSONPath';
  if (jsonPath) {
    checkJsonPathFields(context, raw, path, type);
  } else {
    checkStateFields(context, raw, path, type);
    checkStatesMembers(context, raw, path, type);
  }

  const common: CommonFields = {
    name,
    queryLanguage: language,
    ...(typeof raw.Comment === 'string' ? { comment: raw.Comment } : {}),
    ...(jsonPath
      ? { io: jsonPathIO(context, raw, path) }
      : {
          ...templateField(context, raw, 'Output', path),
          ...assignField(context, raw.Assign, `${path}/Assign`),
        }),
  };

  switch (type) {
    case 'Pass': {
      const next = transition(context, raw, path);
      return next ? { ...common, type: 'Pass', transition: next } : undefined;
    }
    case 'Succeed':
      return { ...common, type: 'Succeed' };
    case 'Fail':
      return failState(context, raw, path, common);
    case 'Wait':
      return waitState(context, raw, path, common);
    case 'Choice':
      return choiceState(context, raw, path, common);
    case 'Task':
      return taskState(context, raw, path, common);
    case 'Parallel':
      return parallelState(context, raw, path, common, language);
    case 'Map':
      return mapState(context, raw, path, common, language);
  }
}
