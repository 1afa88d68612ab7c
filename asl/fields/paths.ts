/**
 * Evaluating a JSONPath state's fields during a visit: paths read from the state's data (`$`), the
 * context object (`$$`) and the variables (`$name`); payload templates and intrinsic functions;
 * and the failures, States.Runtime with AWS's cause texts and no EvaluationFailed event.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html
 */
import type { JsonPathFields } from '../definition/types.ts';
import type { IntrinsicEnvironment } from '../jsonpath/intrinsics.ts';
import { type JsonPath, type PathRead, PathWriteError, readPath, writePath } from '../jsonpath/path.ts';
import { evaluatePayload, type PayloadScope, type PayloadTemplate } from '../jsonpath/payload.ts';
import type { Evaluation, PathLookup, PathProblem, PathResolver } from '../jsonpath/types.ts';
import type { Site, Step } from '../runtime/context.ts';
import { boundCause, StatesError } from '../runtime/outcome.ts';
import { toJsonText } from '../runtime/payload.ts';
import { contextObject, type StatesBinding } from '../runtime/states-binding.ts';
import { causePrefix, type Evaluated, type QueryFailed } from './evaluate.ts';

/** What a path's root names during one evaluation. */
export interface PathData {
  /** `$`: the state's input, its result, or the error output, depending on the field. */
  readonly data: unknown;
  /** `$$`: the context object (built on first use). */
  context(): unknown;
  /** `$name`: a variable in scope. */
  variable(name: string): { readonly found: boolean; readonly value?: unknown };
}

/**
 * Where `$$` comes from when the caller has it: a `$states` binding (its context object is built
 * on first read), or the context object itself.
 */
export interface ContextSource {
  readonly context: unknown;
}

/**
 * A class rather than an object of closures: a visit builds several of these, and methods cost
 * nothing per instance (closures are allocated, and named by the TypeScript loader, each time).
 */
class VisitRoots implements PathData {
  private built: unknown;

  constructor(
    private readonly step: Step,
    readonly data: unknown,
    private readonly given: ContextSource | undefined,
  ) {}

  context(): unknown {
    if (this.given) return this.given.context;
    this.built ??= contextObject(this.step);
    return this.built;
  }

  variable(name: string): { readonly found: boolean; readonly value?: unknown } {
    return this.step.frame.scope.lookup(name);
  }
}

/** The roots for a visit of `step`, with `data` as `$` and `context` as `$$`. */
export function pathData(step: Step, data: unknown, context?: ContextSource): PathData {
  return new VisitRoots(step, data, context);
}

/** The roots of `$states`: `$` its input, `$$` its context. */
export function statesRoots(step: Step, states: StatesBinding): PathData {
  return new VisitRoots(step, states.input, states);
}

/** Reads a path against its root (data, context or a variable). */
export function read(path: JsonPath, roots: PathData): PathRead {
  switch (path.root.kind) {
    case 'data':
      return readPath(path, roots.data);
    case 'context':
      return readPath(path, roots.context());
    case 'variable': {
      const v = roots.variable(path.root.name);
      if (!v.found) return { found: false, reason: `The variable '$${path.root.name}' is not defined` };
      return readPath(path, v.value);
    }
  }
}

/** A JSONPath failure of a state: States.Runtime (unless said), recorded only as the state's failure. */
export function runtimeFailure(
  site: Site,
  message: string,
  error: string = StatesError.Runtime,
): QueryFailed {
  return { ok: false, query: { error, cause: boundCause(causePrefix(site) + message), unrecorded: true } };
}

function fromProblem(site: Site, problem: PathProblem): QueryFailed {
  return runtimeFailure(site, problem.message, problem.error);
}

/** InputPath, OutputPath, ItemsPath: absent takes everything, `null` gives `{}`. */
export function selectPath(
  site: Site,
  path: JsonPath | null | undefined,
  roots: PathData,
): Evaluated<unknown> {
  if (path === undefined) return { ok: true, value: roots.data };
  if (path === null) return { ok: true, value: {} };
  const r = read(path, roots);
  if (!r.found) return runtimeFailure(site, invalidPath(path.source, r.reason));
  return { ok: true, value: r.value };
}

/** An intrinsic function's or a Choice rule's path, looked up; selecting nothing is `missing`. */
function resolvePath(roots: PathData, path: JsonPath): PathLookup {
  const r = read(path, roots);
  if (r.found) return { ok: true, value: r.value };
  return {
    ok: false,
    error: StatesError.Runtime,
    message: invalidPath(path.source, r.reason),
    missing: true,
  };
}

/** A payload template's scope for one evaluation; a class for the reason VisitRoots is one. */
class VisitScope implements PayloadScope {
  private resolver: PathResolver | undefined;

  constructor(
    private readonly roots: PathData,
    readonly intrinsics: IntrinsicEnvironment,
  ) {}

  read(path: JsonPath, field: string): Evaluation<unknown> {
    const r = read(path, this.roots);
    if (r.found) return { ok: true, value: r.value };
    return {
      ok: false,
      error: StatesError.Runtime,
      message: notFoundInInput(path, field, this.roots),
      missing: true,
    };
  }

  /** Made on first use: only intrinsic functions and Choice rules resolve paths this way. */
  get resolve(): PathResolver {
    this.resolver ??= resolverOf(this.roots);
    return this.resolver;
  }
}

function resolverOf(roots: PathData): PathResolver {
  return (path) => resolvePath(roots, path);
}

/** The scope a payload template evaluates in. */
export function payloadScope(step: Step, roots: PathData): PayloadScope {
  // The engine's entropy is an IntrinsicEnvironment (uuid(), random()), called as its methods.
  return new VisitScope(roots, step.frame.run.env.entropy);
}

export function evaluatePayloadField(
  step: Step,
  template: PayloadTemplate,
  roots: PathData,
): Evaluated<unknown> {
  const r: Evaluation<unknown> = evaluatePayload(template, payloadScope(step, roots));
  return r.ok ? r : fromProblem(step.site, r);
}

/** The effective input: InputPath, then Parameters (where the state type takes it). */
export function effectiveInput(
  step: Step,
  io: JsonPathFields | undefined,
  context?: ContextSource,
): Evaluated<unknown> {
  const selected = afterInputPath(step, io, context);
  if (!selected.ok) return selected;
  return applyParameters(step, io, selected.value, context);
}

/**
 * The input a Choice, Wait or Map state works on: a JSONPath state's effective input, a JSONata
 * state's input as it is.
 */
export function workingInput(step: Step): Evaluated<unknown> {
  return step.state.io ? effectiveInput(step, step.state.io) : { ok: true, value: step.input };
}

/** The state's input after InputPath (noted for TestState's inspection data). */
export function afterInputPath(
  step: Step,
  io: JsonPathFields | undefined,
  context?: ContextSource,
): Evaluated<unknown> {
  const selected = selectPath(step.site, io?.inputPath, pathData(step, step.input, context));
  if (selected.ok && step.inspection) step.inspection.afterInputPath = selected.value;
  return selected;
}

/** Parameters over the input after InputPath (`selected`); without Parameters, that input. */
export function applyParameters(
  step: Step,
  io: JsonPathFields | undefined,
  selected: unknown,
  context?: ContextSource,
): Evaluated<unknown> {
  if (!io?.parameters) return { ok: true, value: selected };
  const parameters = evaluatePayloadField(step, io.parameters, pathData(step, selected, context));
  if (parameters.ok && step.inspection) step.inspection.afterParameters = parameters.value;
  return parameters;
}

/** ResultPath: where the (selected) result goes in the state's raw input. */
export function placeResult(
  step: Step,
  resultPath: JsonPath | null | undefined,
  result: unknown,
): Evaluated<unknown> {
  if (resultPath === undefined) return { ok: true, value: result };
  if (resultPath === null) return { ok: true, value: step.input };
  try {
    return { ok: true, value: writePath(resultPath, step.input, result) };
  } catch (error) {
    if (!(error instanceof PathWriteError)) throw error;
    // The States Language: "ResultPath cannot apply and the interpreter fails the machine with an
    // Error Name of States.ResultPathMatchFailure" (no recorded execution shows the case).
    return runtimeFailure(
      step.site,
      invalidPath(resultPath.source, error.message),
      StatesError.ResultPathMatchFailure,
    );
  }
}

/** How a `...Path` field's value is checked: the type the field takes. */
export type PathExpected = 'string' | 'boolean' | 'number' | 'integer' | 'array' | 'object';

/**
 * A `...Path` field (SecondsPath, TimeoutSecondsPath, MaxConcurrencyPath, ErrorPath, ...) read
 * and checked, with the message AWS gives for that field when the path selects nothing or the
 * value is not of the field's type.
 */
export function evaluatePathField<T>(
  field: string,
  template: PayloadTemplate,
  roots: PathData,
  expected: PathExpected,
  step: Step,
): Evaluated<T> {
  const { site } = step;
  let value: unknown;
  if (template.kind === 'path') {
    const r = read(template.path, roots);
    if (!r.found) return runtimeFailure(site, notFound(field, template.path, r.reason, roots));
    value = r.value;
  } else {
    const r = evaluatePayload(template, payloadScope(step, roots));
    if (!r.ok) return fromProblem(site, r);
    value = r.value;
  }
  const source = template.kind === 'path' ? template.path.source : field;
  const problem = valueProblem(field, source, value, expected);
  return problem ? runtimeFailure(site, problem) : { ok: true, value: numeric(value, expected) as T };
}

/**
 * AWS parses the value of a numeric `...Path` field from a string too (MaxConcurrencyPath
 * selecting "1" runs with 1, as recorded).
 */
function numeric(value: unknown, expected: PathExpected): unknown {
  if (typeof value !== 'string' || (expected !== 'integer' && expected !== 'number')) return value;
  return Number(value);
}

const INTEGER_TEXT = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function notFound(field: string, path: JsonPath, reason: string, roots: PathData): string {
  if (field === 'SecondsPath' || field === 'TimestampPath') {
    return `The ${field} parameter does not reference an input value: ${path.source}`;
  }
  if (field === 'ErrorPath' || field === 'CausePath') return notFoundInInput(path, field, roots);
  return invalidPath(path.source, reason);
}

/** AWS's message for a path it cannot apply, with Jayway's reason. */
function invalidPath(source: string, reason: string): string {
  return `Invalid path '${source}' : ${reason}`;
}

/** AWS's message for a `.$` field (or ErrorPath, CausePath) whose path selects nothing. */
function notFoundInInput(path: JsonPath, field: string, roots: PathData): string {
  return `The JSONPath '${path.source}' specified for the field '${field}' could not be found in the input '${toJsonText(roots.data)}'`;
}

/** The value as AWS quotes it in these messages: a string as it is, anything else as JSON. */
function shown(value: unknown): string {
  return typeof value === 'string' ? value : toJsonText(value);
}

function valueProblem(
  field: string,
  source: string,
  value: unknown,
  expected: PathExpected,
): string | undefined {
  if (field === 'SecondsPath') {
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      return `The SecondsPath parameter cannot be parsed as a long value: ${source} == ${shown(value)}`;
    }
    if (value < 0)
      return `The SecondsPath parameter references a negative value: ${source} == ${shown(value)}`;
    return undefined;
  }
  const integer =
    (typeof value === 'number' && Number.isInteger(value)) ||
    (typeof value === 'string' && INTEGER_TEXT.test(value));
  if (expected === 'integer' && !integer) {
    return `The ${field} field refers to value "${shown(value)}" which is not a valid integer: ${source}`;
  }
  const float = typeof value === 'number' || (typeof value === 'string' && FLOAT_TEXT.test(value));
  if (expected === 'number' && !float) {
    return `The ${field} field refers to value "${shown(value)}" which is not a valid float: ${source}`;
  }
  if (expected === 'string' && typeof value !== 'string') {
    return `The ${field} field refers to value "${shown(value)}" which is not a string: ${source}`;
  }
  return undefined;
}
