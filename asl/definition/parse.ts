/**
 * Parse and validate a definition into the typed tree, refusing what AWS refuses at
 * CreateStateMachine. Every `{% %}` expression is compiled here, once.
 * https://states-language.net/spec.html
 */
import { DefinitionError, DefinitionErrors } from '../errors.ts';
import { isExpressionString } from '../jsonata/expression.ts';
import { compileTemplate, type Template } from '../jsonata/template.ts';
import { parseResource } from './resource.ts';
import type {
  Catcher,
  ChoiceRule,
  Dynamic,
  ItemBatcher,
  ItemReader,
  QueryLanguage,
  Retrier,
  State,
  StateGraph,
  StateMachineDefinition,
  StateType,
  TaskResource,
  Transition,
} from './types.ts';

type Raw = Record<string, unknown>;

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

const STATE_TYPES = new Set<string>(Object.keys(JSONATA_FIELDS));

export interface ParseOptions {
  /** `${Name}` substitutions applied to every string before parsing (CDK definitionSubstitutions). */
  readonly substitutions?: Readonly<Record<string, string>>;
}

/** Parses a definition (JSON text or an already-parsed object). Throws {@link DefinitionErrors}. */
export function parseDefinition(source: string | object, options: ParseOptions = {}): StateMachineDefinition {
  let raw: unknown;
  const text = typeof source === 'string' ? source : JSON.stringify(source);
  try {
    raw = JSON.parse(text);
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
  if (options.substitutions) raw = substitute(raw, options.substitutions);
  const parser = new Parser();
  const definition = parser.machine(raw, text);
  if (parser.errors.length > 0 || !definition) throw new DefinitionErrors(parser.errors);
  return definition;
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

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Parser {
  readonly errors: DefinitionError[] = [];

  private fail(path: string, problem: string, fix: string): undefined {
    this.errors.push(new DefinitionError(path, problem, fix));
    return undefined;
  }

  machine(raw: unknown, source: string): StateMachineDefinition | undefined {
    if (!isObject(raw)) {
      return this.fail(
        '/',
        'The definition must be a JSON object',
        'Write { "StartAt": ..., "States": { ... } }.',
      );
    }
    this.allowOnly(raw, '', ['Comment', 'StartAt', 'States', 'QueryLanguage', 'TimeoutSeconds', 'Version']);
    const queryLanguage = this.queryLanguage(raw.QueryLanguage, '/QueryLanguage') ?? 'JSONPath';
    const graph = this.graph(raw, '', queryLanguage, true);
    const timeoutSeconds = this.optionalPositiveInteger(raw.TimeoutSeconds, '/TimeoutSeconds');
    if (raw.Version !== undefined && typeof raw.Version !== 'string') {
      this.fail('/Version', 'Version must be a string', 'Write "Version": "1.0".');
    }
    if (!graph) return undefined;
    return {
      ...graph,
      queryLanguage,
      source,
      ...(typeof raw.Comment === 'string' ? { comment: raw.Comment } : {}),
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      ...(typeof raw.Version === 'string' ? { version: raw.Version } : {}),
    };
  }

  private queryLanguage(value: unknown, path: string): QueryLanguage | undefined {
    if (value === undefined) return undefined;
    if (value === 'JSONata' || value === 'JSONPath') return value;
    return this.fail(
      path,
      `QueryLanguage must be "JSONata" or "JSONPath", not ${JSON.stringify(value)}`,
      'Use "JSONata".',
    );
  }

  private graph(raw: Raw, path: string, language: QueryLanguage, topLevel: boolean): StateGraph | undefined {
    if (typeof raw.StartAt !== 'string') {
      return this.fail(
        `${path}/StartAt`,
        'StartAt is missing or not a string',
        'Name the first state in "StartAt".',
      );
    }
    if (!isObject(raw.States) || Object.keys(raw.States).length === 0) {
      return this.fail(
        `${path}/States`,
        'States is missing or empty',
        'Define at least one state under "States".',
      );
    }
    if (!topLevel) this.allowOnly(raw, path, ['StartAt', 'States', 'Comment', 'ProcessorConfig']);
    const states = new Map<string, State>();
    for (const [name, rawState] of Object.entries(raw.States)) {
      const statePath = `${path}/States/${name}`;
      if (name.length > 80) {
        this.fail(
          statePath,
          `The state name '${name}' is longer than 80 characters`,
          'Shorten the state name.',
        );
      }
      const state = this.state(name, rawState, statePath, language);
      if (state) states.set(name, state);
    }
    if (!Object.hasOwn(raw.States, raw.StartAt)) {
      this.fail(
        `${path}/StartAt`,
        `StartAt names '${raw.StartAt}', which is not a state here`,
        `Use one of: ${Object.keys(raw.States).join(', ')}.`,
      );
      return undefined;
    }
    this.checkTransitions(states, raw.StartAt, path);
    return { startAt: raw.StartAt, states };
  }

  /** Every Next exists in the same graph, and every state is reachable from StartAt. */
  private checkTransitions(states: ReadonlyMap<string, State>, startAt: string, path: string): void {
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
    for (const state of states.values()) {
      for (const target of targets(state)) {
        if (!states.has(target)) {
          this.fail(
            `${path}/States/${state.name}`,
            `The transition to '${target}' names no state in this scope (MISSING_TRANSITION_TARGET)`,
            'Point Next/Default/Catch at a state defined in the same States object.',
          );
        }
      }
    }
    const seen = new Set<string>([startAt]);
    const queue = [startAt];
    for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
      const state = states.get(name);
      if (!state) continue;
      for (const t of targets(state)) {
        if (!seen.has(t)) {
          seen.add(t);
          queue.push(t);
        }
      }
    }
    for (const name of states.keys()) {
      if (!seen.has(name)) {
        this.fail(
          `${path}/States/${name}`,
          `The state '${name}' cannot be reached from StartAt (UNREACHABLE_STATE)`,
          'Remove it, or add a transition to it.',
        );
      }
    }
  }

  private state(name: string, raw: unknown, path: string, inherited: QueryLanguage): State | undefined {
    if (!isObject(raw)) return this.fail(path, 'A state must be a JSON object', 'Write { "Type": ... }.');
    const type = raw.Type;
    if (typeof type !== 'string' || !STATE_TYPES.has(type)) {
      return this.fail(
        `${path}/Type`,
        `Type ${JSON.stringify(type)} is not a state type`,
        'Use one of Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map.',
      );
    }
    const stateType = type as StateType;
    const language = this.queryLanguage(raw.QueryLanguage, `${path}/QueryLanguage`) ?? inherited;
    if (language === 'JSONPath') {
      return this.fail(
        path,
        `The state '${name}' uses the JSONPath query language, which this engine does not run yet`,
        'Set "QueryLanguage": "JSONata" at the top of the definition or on the state, and use Arguments/Output/Assign.',
      );
    }
    if (inherited === 'JSONata' && raw.QueryLanguage === 'JSONPath') {
      return this.fail(
        `${path}/QueryLanguage`,
        'A JSONPath state cannot appear in a JSONata state machine',
        'Remove "QueryLanguage": "JSONPath" from the state.',
      );
    }
    for (const key of Object.keys(raw)) {
      if (JSONPATH_ONLY.has(key)) {
        this.fail(
          `${path}/${key}`,
          `The field '${key}' is not supported by the JSONata query language`,
          JSONATA_REPLACEMENT[key] ?? 'Remove it.',
        );
      } else if (key.endsWith('.$')) {
        this.fail(
          `${path}/${key}`,
          `The field '${key}' uses JSONPath '.$' syntax, which JSONata states do not take`,
          `Name it '${key.slice(0, -2)}' and write its value as "{% expression %}".`,
        );
      }
    }
    this.allowOnly(
      raw,
      path,
      JSONATA_FIELDS[stateType],
      (key) => JSONPATH_ONLY.has(key) || key.endsWith('.$'),
    );
    this.checkMisplacedExpressions(raw, path);

    const common = {
      name,
      queryLanguage: language,
      ...(typeof raw.Comment === 'string' ? { comment: raw.Comment } : {}),
      ...this.templateField(raw, 'Output', path),
      ...this.assignField(raw.Assign, `${path}/Assign`),
    };

    switch (stateType) {
      case 'Pass':
        return this.withTransition(raw, path, (transition) => ({ ...common, type: 'Pass', transition }));
      case 'Succeed':
        return { ...common, type: 'Succeed' };
      case 'Fail':
        return {
          ...common,
          type: 'Fail',
          ...this.dynamicString(raw.Error, `${path}/Error`, 'error'),
          ...this.dynamicString(raw.Cause, `${path}/Cause`, 'cause'),
        };
      case 'Wait':
        return this.waitState(raw, path, common);
      case 'Choice':
        return this.choiceState(raw, path, common);
      case 'Task':
        return this.taskState(raw, path, common);
      case 'Parallel':
        return this.parallelState(raw, path, common, language);
      case 'Map':
        return this.mapState(raw, path, common, language);
    }
  }

  private withTransition<S>(raw: Raw, path: string, build: (t: Transition) => S): S | undefined {
    const transition = this.transition(raw, path);
    return transition ? build(transition) : undefined;
  }

  private transition(raw: Raw, path: string): Transition | undefined {
    const hasNext = raw.Next !== undefined;
    const end = raw.End === true;
    if (raw.End !== undefined && typeof raw.End !== 'boolean') {
      return this.fail(`${path}/End`, 'End must be true or false', 'Write "End": true.');
    }
    if (hasNext && end) {
      return this.fail(path, 'A state cannot have both Next and End', 'Keep only one of them.');
    }
    if (hasNext) {
      if (typeof raw.Next !== 'string')
        return this.fail(`${path}/Next`, 'Next must be a state name', 'Name a state.');
      return { end: false, next: raw.Next };
    }
    if (end) return { end: true };
    return this.fail(path, 'The state has neither Next nor End', 'Add "Next": "<state>" or "End": true.');
  }

  private waitState(raw: Raw, path: string, common: CommonFields): State | undefined {
    const hasSeconds = raw.Seconds !== undefined;
    const hasTimestamp = raw.Timestamp !== undefined;
    if (hasSeconds === hasTimestamp) {
      return this.fail(path, 'A Wait state needs exactly one of Seconds and Timestamp', 'Keep one of them.');
    }
    const wait = hasSeconds
      ? { seconds: this.dynamicNumber(raw.Seconds, `${path}/Seconds`, { min: 0, integer: true }) }
      : { timestamp: this.dynamicTimestamp(raw.Timestamp, `${path}/Timestamp`) };
    const transition = this.transition(raw, path);
    if (!transition) return undefined;
    if ('seconds' in wait && wait.seconds)
      return { ...common, type: 'Wait', transition, wait: { seconds: wait.seconds } };
    if ('timestamp' in wait && wait.timestamp) {
      return { ...common, type: 'Wait', transition, wait: { timestamp: wait.timestamp } };
    }
    return undefined;
  }

  private choiceState(raw: Raw, path: string, common: CommonFields): State | undefined {
    if (!Array.isArray(raw.Choices) || raw.Choices.length === 0) {
      return this.fail(
        `${path}/Choices`,
        'A Choice state needs a non-empty Choices array',
        'Add at least one rule.',
      );
    }
    const choices: ChoiceRule[] = [];
    raw.Choices.forEach((rule: unknown, i) => {
      const rulePath = `${path}/Choices/${i}`;
      if (!isObject(rule)) {
        this.fail(
          rulePath,
          'A choice rule must be an object',
          'Write { "Condition": "{% ... %}", "Next": ... }.',
        );
        return;
      }
      this.allowOnly(
        rule,
        rulePath,
        ['Condition', 'Next', 'Output', 'Assign', 'Comment'],
        (key) => key !== 'Condition',
      );
      if (rule.Condition === undefined) {
        this.fail(
          `${rulePath}/Condition`,
          'A JSONata choice rule needs a Condition (Variable and the comparison operators are JSONPath only)',
          'Write "Condition": "{% boolean expression %}".',
        );
        return;
      }
      const condition = this.dynamicBoolean(rule.Condition, `${rulePath}/Condition`);
      if (typeof rule.Next !== 'string') {
        this.fail(`${rulePath}/Next`, 'A choice rule needs Next', 'Name the state to go to when it matches.');
        return;
      }
      if (!condition) return;
      choices.push({
        condition,
        next: rule.Next,
        ...(typeof rule.Comment === 'string' ? { comment: rule.Comment } : {}),
        ...this.templateField(rule, 'Output', rulePath),
        ...this.assignField(rule.Assign, `${rulePath}/Assign`),
      });
    });
    if (raw.Default !== undefined && typeof raw.Default !== 'string') {
      this.fail(`${path}/Default`, 'Default must be a state name', 'Name a state.');
    }
    return {
      ...common,
      type: 'Choice',
      choices,
      ...(typeof raw.Default === 'string' ? { default: raw.Default } : {}),
    };
  }

  private taskState(raw: Raw, path: string, common: CommonFields): State | undefined {
    const resource = this.resource(raw.Resource, `${path}/Resource`);
    const transition = this.transition(raw, path);
    const timeoutSeconds =
      raw.TimeoutSeconds === undefined
        ? undefined
        : this.dynamicNumber(raw.TimeoutSeconds, `${path}/TimeoutSeconds`, { min: 1, integer: true });
    const heartbeatSeconds =
      raw.HeartbeatSeconds === undefined
        ? undefined
        : this.dynamicNumber(raw.HeartbeatSeconds, `${path}/HeartbeatSeconds`, { min: 1, integer: true });
    if (
      timeoutSeconds?.kind === 'literal' &&
      heartbeatSeconds?.kind === 'literal' &&
      heartbeatSeconds.value >= timeoutSeconds.value
    ) {
      this.fail(
        `${path}/HeartbeatSeconds`,
        `HeartbeatSeconds (${heartbeatSeconds.value}) must be smaller than TimeoutSeconds (${timeoutSeconds.value})`,
        'Lower HeartbeatSeconds or raise TimeoutSeconds.',
      );
    }
    const retry = this.retriers(raw.Retry, `${path}/Retry`);
    const catchers = this.catchers(raw.Catch, `${path}/Catch`);
    if (!resource || !transition) return undefined;
    return {
      ...common,
      type: 'Task',
      transition,
      resource,
      retry,
      catch: catchers,
      ...this.templateField(raw, 'Arguments', path),
      ...this.templateField(raw, 'Credentials', path),
      ...(timeoutSeconds ? { timeoutSeconds } : {}),
      ...(heartbeatSeconds ? { heartbeatSeconds } : {}),
    };
  }

  private parallelState(
    raw: Raw,
    path: string,
    common: CommonFields,
    language: QueryLanguage,
  ): State | undefined {
    if (!Array.isArray(raw.Branches) || raw.Branches.length === 0) {
      return this.fail(
        `${path}/Branches`,
        'A Parallel state needs a non-empty Branches array',
        'Add a branch.',
      );
    }
    const branches: StateGraph[] = [];
    raw.Branches.forEach((branch: unknown, i) => {
      const branchPath = `${path}/Branches/${i}`;
      if (!isObject(branch)) {
        this.fail(branchPath, 'A branch must be an object', 'Write { "StartAt": ..., "States": { ... } }.');
        return;
      }
      const graph = this.graph(branch, branchPath, language, false);
      if (graph) branches.push(graph);
    });
    const transition = this.transition(raw, path);
    const retry = this.retriers(raw.Retry, `${path}/Retry`);
    const catchers = this.catchers(raw.Catch, `${path}/Catch`);
    if (!transition) return undefined;
    return {
      ...common,
      type: 'Parallel',
      transition,
      branches,
      retry,
      catch: catchers,
      ...this.templateField(raw, 'Arguments', path),
    };
  }

  private mapState(raw: Raw, path: string, common: CommonFields, language: QueryLanguage): State | undefined {
    const processorRaw = raw.ItemProcessor ?? raw.Iterator;
    const processorKey = raw.ItemProcessor !== undefined ? 'ItemProcessor' : 'Iterator';
    if (raw.ItemProcessor !== undefined && raw.Iterator !== undefined) {
      this.fail(path, 'A Map state cannot have both ItemProcessor and Iterator', 'Keep ItemProcessor.');
    }
    if (!isObject(processorRaw)) {
      return this.fail(
        `${path}/ItemProcessor`,
        'A Map state needs an ItemProcessor',
        'Add { "StartAt": ..., "States": ... }.',
      );
    }
    const processorPath = `${path}/${processorKey}`;
    const config = isObject(processorRaw.ProcessorConfig) ? processorRaw.ProcessorConfig : {};
    if (processorRaw.ProcessorConfig !== undefined) {
      this.allowOnly(config, `${processorPath}/ProcessorConfig`, ['Mode', 'ExecutionType']);
    }
    const mode = config.Mode ?? 'INLINE';
    if (mode !== 'INLINE' && mode !== 'DISTRIBUTED') {
      this.fail(
        `${processorPath}/ProcessorConfig/Mode`,
        `Mode ${JSON.stringify(mode)} is unknown`,
        'Use INLINE or DISTRIBUTED.',
      );
    }
    const executionType = config.ExecutionType;
    if (executionType !== undefined && executionType !== 'STANDARD' && executionType !== 'EXPRESS') {
      this.fail(
        `${processorPath}/ProcessorConfig/ExecutionType`,
        `ExecutionType ${JSON.stringify(executionType)} is unknown`,
        'Use STANDARD or EXPRESS.',
      );
    }
    const processor = this.graph(processorRaw, processorPath, language, false);
    const transition = this.transition(raw, path);
    const retry = this.retriers(raw.Retry, `${path}/Retry`);
    const catchers = this.catchers(raw.Catch, `${path}/Catch`);
    const maxConcurrency =
      raw.MaxConcurrency === undefined
        ? ({ kind: 'literal', value: 0 } as const)
        : this.dynamicNumber(raw.MaxConcurrency, `${path}/MaxConcurrency`, { min: 0, integer: true });
    const toleratedFailureCount =
      raw.ToleratedFailureCount === undefined
        ? undefined
        : this.dynamicNumber(raw.ToleratedFailureCount, `${path}/ToleratedFailureCount`, {
            min: 0,
            integer: true,
          });
    const toleratedFailurePercentage =
      raw.ToleratedFailurePercentage === undefined
        ? undefined
        : this.dynamicNumber(raw.ToleratedFailurePercentage, `${path}/ToleratedFailurePercentage`, {
            min: 0,
            max: 100,
          });
    const itemReader =
      raw.ItemReader === undefined ? undefined : this.itemReader(raw.ItemReader, `${path}/ItemReader`);
    const itemBatcher =
      raw.ItemBatcher === undefined ? undefined : this.itemBatcher(raw.ItemBatcher, `${path}/ItemBatcher`);
    if (raw.Label !== undefined && typeof raw.Label !== 'string') {
      this.fail(`${path}/Label`, 'Label must be a string', 'Write "Label": "name".');
    }
    if (!processor || !transition || !maxConcurrency) return undefined;
    return {
      ...common,
      type: 'Map',
      transition,
      processor,
      mode: mode === 'DISTRIBUTED' ? 'DISTRIBUTED' : 'INLINE',
      ...(executionType === 'STANDARD' || executionType === 'EXPRESS' ? { executionType } : {}),
      retry,
      catch: catchers,
      maxConcurrency,
      ...(toleratedFailureCount ? { toleratedFailureCount } : {}),
      ...(toleratedFailurePercentage ? { toleratedFailurePercentage } : {}),
      ...(itemReader ? { itemReader } : {}),
      ...(itemBatcher ? { itemBatcher } : {}),
      ...(typeof raw.Label === 'string' ? { label: raw.Label } : {}),
      ...this.templateField(raw, 'Items', path),
      ...this.templateField(raw, 'ItemSelector', path),
    };
  }

  private itemReader(raw: unknown, path: string): ItemReader | undefined {
    if (!isObject(raw))
      return this.fail(path, 'ItemReader must be an object', 'Write { "Resource": ..., "Arguments": ... }.');
    this.allowOnly(raw, path, ['Resource', 'Arguments', 'ReaderConfig']);
    const resource = this.resource(raw.Resource, `${path}/Resource`);
    const config = isObject(raw.ReaderConfig) ? raw.ReaderConfig : undefined;
    if (config) {
      this.allowOnly(config, `${path}/ReaderConfig`, [
        'InputType',
        'CSVHeaderLocation',
        'CSVHeaders',
        'MaxItems',
        'CSVDelimiter',
        'ManifestType',
      ]);
    }
    const maxItems =
      config?.MaxItems === undefined
        ? undefined
        : this.dynamicNumber(config.MaxItems, `${path}/ReaderConfig/MaxItems`, { min: 0, integer: true });
    if (!resource) return undefined;
    return {
      resource,
      ...this.templateField(raw, 'Arguments', path),
      ...(config
        ? {
            readerConfig: {
              ...(typeof config.InputType === 'string' ? { inputType: config.InputType } : {}),
              ...(typeof config.CSVHeaderLocation === 'string'
                ? { csvHeaderLocation: config.CSVHeaderLocation }
                : {}),
              ...(Array.isArray(config.CSVHeaders) ? { csvHeaders: config.CSVHeaders.map(String) } : {}),
              ...(maxItems ? { maxItems } : {}),
            },
          }
        : {}),
    };
  }

  private itemBatcher(raw: unknown, path: string): ItemBatcher | undefined {
    if (!isObject(raw))
      return this.fail(path, 'ItemBatcher must be an object', 'Write { "MaxItemsPerBatch": n }.');
    this.allowOnly(raw, path, ['MaxItemsPerBatch', 'MaxInputBytesPerBatch', 'BatchInput']);
    if (raw.MaxItemsPerBatch === undefined && raw.MaxInputBytesPerBatch === undefined) {
      return this.fail(
        path,
        'ItemBatcher needs MaxItemsPerBatch or MaxInputBytesPerBatch',
        'Add "MaxItemsPerBatch": n.',
      );
    }
    const maxItemsPerBatch =
      raw.MaxItemsPerBatch === undefined
        ? undefined
        : this.dynamicNumber(raw.MaxItemsPerBatch, `${path}/MaxItemsPerBatch`, { min: 1, integer: true });
    const maxInputBytesPerBatch =
      raw.MaxInputBytesPerBatch === undefined
        ? undefined
        : this.dynamicNumber(raw.MaxInputBytesPerBatch, `${path}/MaxInputBytesPerBatch`, {
            min: 1,
            max: 256 * 1024,
            integer: true,
          });
    return {
      ...(maxItemsPerBatch ? { maxItemsPerBatch } : {}),
      ...(maxInputBytesPerBatch ? { maxInputBytesPerBatch } : {}),
      ...this.templateField(raw, 'BatchInput', path),
    };
  }

  private resource(value: unknown, path: string): TaskResource | undefined {
    if (typeof value !== 'string')
      return this.fail(path, 'Resource must be an ARN string', 'Write "Resource": "arn:aws:states:::...".');
    const resource = parseResource(value);
    if (!resource) {
      return this.fail(
        path,
        `'${value}' is not a Resource ARN that Step Functions accepts`,
        'Use arn:aws:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken], a Lambda function ARN or an activity ARN.',
      );
    }
    return resource;
  }

  private retriers(value: unknown, path: string): Retrier[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.fail(path, 'Retry must be an array', 'Write "Retry": [ { "ErrorEquals": [...] } ].');
      return [];
    }
    const out: Retrier[] = [];
    value.forEach((raw: unknown, i) => {
      const p = `${path}/${i}`;
      if (!isObject(raw)) {
        this.fail(p, 'A retrier must be an object', 'Write { "ErrorEquals": [...] }.');
        return;
      }
      this.allowOnly(raw, p, [
        'ErrorEquals',
        'IntervalSeconds',
        'MaxAttempts',
        'BackoffRate',
        'MaxDelaySeconds',
        'JitterStrategy',
        'Comment',
      ]);
      const errorEquals = this.errorEquals(raw.ErrorEquals, `${p}/ErrorEquals`, i === value.length - 1);
      const intervalSeconds = this.literalNumber(raw.IntervalSeconds, `${p}/IntervalSeconds`, 1, {
        min: 1,
        integer: true,
      });
      const maxAttempts = this.literalNumber(raw.MaxAttempts, `${p}/MaxAttempts`, 3, {
        min: 0,
        integer: true,
      });
      const backoffRate = this.literalNumber(raw.BackoffRate, `${p}/BackoffRate`, 2, { min: 1 });
      const maxDelaySeconds =
        raw.MaxDelaySeconds === undefined
          ? undefined
          : this.literalNumber(raw.MaxDelaySeconds, `${p}/MaxDelaySeconds`, 0, { min: 1, integer: true });
      const jitter = raw.JitterStrategy ?? 'NONE';
      if (jitter !== 'FULL' && jitter !== 'NONE') {
        this.fail(
          `${p}/JitterStrategy`,
          `JitterStrategy ${JSON.stringify(jitter)} is unknown`,
          'Use FULL or NONE.',
        );
      }
      if (!errorEquals) return;
      out.push({
        errorEquals,
        intervalSeconds,
        maxAttempts,
        backoffRate,
        jitterStrategy: jitter === 'FULL' ? 'FULL' : 'NONE',
        ...(maxDelaySeconds !== undefined ? { maxDelaySeconds } : {}),
      });
    });
    return out;
  }

  private catchers(value: unknown, path: string): Catcher[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.fail(path, 'Catch must be an array', 'Write "Catch": [ { "ErrorEquals": [...], "Next": ... } ].');
      return [];
    }
    const out: Catcher[] = [];
    value.forEach((raw: unknown, i) => {
      const p = `${path}/${i}`;
      if (!isObject(raw)) {
        this.fail(p, 'A catcher must be an object', 'Write { "ErrorEquals": [...], "Next": ... }.');
        return;
      }
      this.allowOnly(
        raw,
        p,
        ['ErrorEquals', 'Next', 'Output', 'Assign', 'Comment'],
        (key) => key === 'ResultPath',
      );
      if (raw.ResultPath !== undefined) {
        this.fail(
          `${p}/ResultPath`,
          "The field 'ResultPath' is not supported by the JSONata query language",
          'Use Output with $states.errorOutput.',
        );
      }
      const errorEquals = this.errorEquals(raw.ErrorEquals, `${p}/ErrorEquals`, i === value.length - 1);
      if (typeof raw.Next !== 'string') {
        this.fail(`${p}/Next`, 'A catcher needs Next', 'Name the state to go to when it catches.');
        return;
      }
      if (!errorEquals) return;
      out.push({
        errorEquals,
        next: raw.Next,
        ...this.templateField(raw, 'Output', p),
        ...this.assignField(raw.Assign, `${p}/Assign`),
      });
    });
    return out;
  }

  private errorEquals(value: unknown, path: string, last: boolean): string[] | undefined {
    if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
      return this.fail(
        path,
        'ErrorEquals must be a non-empty array of error names',
        'Write "ErrorEquals": ["States.ALL"].',
      );
    }
    const names = value as string[];
    if (names.includes('States.ALL') && (names.length > 1 || !last)) {
      this.fail(
        path,
        'States.ALL must appear alone and in the last retrier or catcher',
        'Move States.ALL into its own last rule.',
      );
    }
    return names;
  }

  private templateField<K extends string>(
    raw: Raw,
    key: K,
    path: string,
  ): { [P in Uncapitalize<K>]?: Template } {
    const value = raw[key];
    if (value === undefined) return {};
    const template = this.compile(value, `${path}/${key}`);
    if (!template) return {};
    const field = (key.charAt(0).toLowerCase() + key.slice(1)) as Uncapitalize<K>;
    return { [field]: template } as { [P in Uncapitalize<K>]?: Template };
  }

  private assignField(value: unknown, path: string): { assign?: Template } {
    if (value === undefined) return {};
    if (!isObject(value)) {
      this.fail(path, 'Assign must be an object of variable names', 'Write "Assign": { "name": value }.');
      return {};
    }
    for (const name of Object.keys(value)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || name === 'states') {
        this.fail(
          `${path}/${name}`,
          `'${name}' is not a valid variable name`,
          'Variable names start with a letter or _, contain letters, digits and _, and are not "states".',
        );
      }
    }
    const template = this.compile(value, path);
    return template ? { assign: template } : {};
  }

  private compile(value: unknown, path: string): Template | undefined {
    try {
      return compileTemplate(value, path);
    } catch (error) {
      if (error instanceof DefinitionError) {
        this.errors.push(error);
        return undefined;
      }
      throw error;
    }
  }

  /** A literal or `{% %}` string, where a plain string is not acceptable as a literal. */
  private dynamic<T>(
    value: unknown,
    path: string,
    check: (v: unknown) => v is T,
    expected: string,
  ): Dynamic<T> | undefined {
    if (typeof value === 'string' && isExpressionString(value)) {
      const template = this.compile(value, path);
      return template ? { kind: 'template', template } : undefined;
    }
    if (check(value)) return { kind: 'literal', value };
    return this.fail(
      path,
      `Expected ${expected} or a JSONata expression, got ${JSON.stringify(value)}`,
      `Write ${expected} or "{% expression %}".`,
    );
  }

  private dynamicNumber(
    value: unknown,
    path: string,
    bounds: { min?: number; max?: number; integer?: boolean },
  ): Dynamic<number> | undefined {
    const expected = bounds.integer ? 'an integer' : 'a number';
    const check = (v: unknown): v is number =>
      typeof v === 'number' &&
      (!bounds.integer || Number.isInteger(v)) &&
      (bounds.min === undefined || v >= bounds.min) &&
      (bounds.max === undefined || v <= bounds.max);
    return this.dynamic(
      value,
      path,
      check,
      `${expected}${bounds.min !== undefined ? ` >= ${bounds.min}` : ''}${bounds.max !== undefined ? ` <= ${bounds.max}` : ''}`,
    );
  }

  private dynamicBoolean(value: unknown, path: string): Dynamic<boolean> | undefined {
    return this.dynamic(value, path, (v): v is boolean => typeof v === 'boolean', 'true or false');
  }

  private dynamicString<K extends string>(
    value: unknown,
    path: string,
    key: K,
  ): { [P in K]?: Dynamic<string> } {
    if (value === undefined) return {};
    const dynamic = this.dynamic(value, path, (v): v is string => typeof v === 'string', 'a string');
    return dynamic ? ({ [key]: dynamic } as { [P in K]?: Dynamic<string> }) : {};
  }

  private dynamicTimestamp(value: unknown, path: string): Dynamic<string> | undefined {
    if (typeof value === 'string' && !isExpressionString(value) && !isTimestamp(value)) {
      return this.fail(
        path,
        `'${value}' is not an RFC 3339 timestamp`,
        'Write it like "2026-01-01T00:00:00Z", or compute it with "{% expression %}".',
      );
    }
    return this.dynamic(value, path, (v): v is string => typeof v === 'string', 'a timestamp string');
  }

  private literalNumber(
    value: unknown,
    path: string,
    fallback: number,
    bounds: { min?: number; integer?: boolean },
  ): number {
    if (value === undefined) return fallback;
    if (
      typeof value !== 'number' ||
      (bounds.integer && !Number.isInteger(value)) ||
      (bounds.min !== undefined && value < bounds.min)
    ) {
      this.fail(
        path,
        `Expected ${bounds.integer ? 'an integer' : 'a number'}${bounds.min !== undefined ? ` >= ${bounds.min}` : ''}, got ${JSON.stringify(value)}`,
        'Retry fields are literals; JSONata expressions are not allowed here.',
      );
      return fallback;
    }
    return value;
  }

  private optionalPositiveInteger(value: unknown, path: string): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      return this.fail(
        path,
        `Expected a positive integer, got ${JSON.stringify(value)}`,
        'Write a whole number of seconds.',
      );
    }
    return value;
  }

  private allowOnly(
    raw: Raw,
    path: string,
    allowed: readonly string[],
    reported: (key: string) => boolean = () => false,
  ): void {
    for (const key of Object.keys(raw)) {
      if (!allowed.includes(key) && !reported(key)) {
        this.fail(
          `${path}/${key}`,
          `The field '${key}' is not supported here`,
          `Remove it; allowed fields are ${allowed.join(', ')}.`,
        );
      }
    }
  }

  /** A string with `{%` that is not one whole expression is a literal on AWS, unless it looks meant as one. */
  private checkMisplacedExpressions(raw: Raw, path: string): void {
    for (const key of ['Output', 'Arguments', 'Items', 'ItemSelector']) {
      const value = raw[key];
      if (typeof value === 'string' && value.trim() !== value && isExpressionString(value.trim())) {
        this.fail(
          `${path}/${key}`,
          `The expression is surrounded by whitespace, so it is not one whole "{% %}" string`,
          'Remove the spaces before "{%" and after "%}".',
        );
      }
    }
  }
}

type CommonFields = {
  name: string;
  queryLanguage: QueryLanguage;
  comment?: string;
  output?: Template;
  assign?: Template;
};

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

function isTimestamp(value: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}
