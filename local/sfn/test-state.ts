/**
 * TestState: runs one state definition once, through the engine's testState, with real
 * integrations or a mock, and answers its result in the API's shape.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html
 *
 * The request rules and their messages are AWS's (the messages as recorded against AWS by
 * LocalStack's TestState suite); what the local endpoint does not do is refused by name.
 */
import { z } from 'zod';
import {
  DefinitionErrors,
  type Dynamic,
  type Failure,
  parseDefinition,
  parseState,
  testState as runState,
  type State,
  type StateGraph,
  type TestStateMock,
  type TestStateResult,
} from '../../asl/index.ts';
import type { SfnBackend } from './backend.ts';
import { SfnApiError } from './errors.ts';
import { parseContext } from './test-state-context.ts';
import { parseRequest } from './validate.ts';

const Request = z.object({
  definition: z.string(),
  roleArn: z.string().optional(),
  input: z.string().optional(),
  inspectionLevel: z.enum(['INFO', 'DEBUG', 'TRACE']).optional(),
  revealSecrets: z.boolean().optional(),
  variables: z.string().optional(),
  stateName: z.string().min(1).max(80).optional(),
  mock: z
    .object({
      result: z.string().max(262144).optional(),
      errorOutput: z.object({ error: z.string().optional(), cause: z.string().optional() }).optional(),
      fieldValidationMode: z.enum(['STRICT', 'PRESENT', 'NONE']).optional(),
    })
    .optional(),
  context: z.string().optional(),
  stateConfiguration: z
    .object({
      retrierRetryCount: z.number().int().min(0).optional(),
      errorCausedByState: z.string().min(1).max(80).optional(),
      mapIterationFailureCount: z.number().int().min(0).optional(),
      mapItemReaderData: z.string().max(262144).optional(),
    })
    .optional(),
});
type TestStateRequest = z.infer<typeof Request>;

/** The name the tested state goes by (`$states.context.State.Name`). */
const STATE_NAME = 'TestState';

export async function testState(b: SfnBackend, body: unknown): Promise<unknown> {
  const request = parseRequest(Request, body);
  const found = parse(request.definition, request.stateName);
  const mock = request.mock ? parseMock(request, found) : undefined;
  if (!mock) refuseWithoutMock(request, found);
  checkConfiguration(request, found);
  const given = request.context !== undefined ? parseContext(request.context, found) : undefined;
  // `$states.context.State.Name` is the context's State.Name when it gives one.
  const state = given?.stateName !== undefined ? { ...found, name: given.stateName } : found;
  const input = json(request.input, 'Input', {});
  const variables = json(request.variables, 'Variables', {});
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
    throw new SfnApiError(
      'InvalidExecutionInput',
      `Variables must be a JSON object of names to values, not ${JSON.stringify(variables)}.`,
    );
  }
  const retrierRetryCount = request.stateConfiguration?.retrierRetryCount;
  const result = await runState(b.env, {
    state,
    input,
    variables: variables as Record<string, unknown>,
    ...(request.roleArn !== undefined ? { roleArn: request.roleArn } : {}),
    ...(mock ? { mock } : {}),
    ...(given ? { context: given.context } : {}),
    ...(retrierRetryCount !== undefined ? { retrierRetryCount } : {}),
  });
  return response(result, request.inspectionLevel ?? 'INFO', state);
}

/**
 * The state to test: the definition itself, or with `stateName` the state of that name in the
 * whole state machine the definition then is ("If this field is specified, the definition must
 * contain a fully-formed state machine definition"), at any depth (AWS tests a state of a Map's
 * ItemProcessor by its name).
 */
function parse(definition: string, stateName: string | undefined): State {
  try {
    if (stateName === undefined) return parseState(definition, STATE_NAME);
    const found = findState(parseDefinition(definition), stateName);
    if (!found) throw new SfnApiError('ValidationException', 'State not found in definition');
    return found;
  } catch (error) {
    if (!(error instanceof DefinitionErrors)) throw error;
    const problems = error.errors.map((e) => `${e.code}: ${e.message}`).join(', ');
    throw new SfnApiError('InvalidDefinition', `Invalid State Machine Definition: '${problems}'`);
  }
}

function findState(graph: StateGraph, name: string): State | undefined {
  const here = graph.states.get(name);
  if (here) return here;
  for (const state of graph.states.values()) {
    for (const inner of innerGraphs(state)) {
      const found = findState(inner, name);
      if (found) return found;
    }
  }
  return undefined;
}

function innerGraphs(state: State): readonly StateGraph[] {
  if (state.type === 'Parallel') return state.branches;
  if (state.type === 'Map') return [state.processor];
  return [];
}

/** AWS: "A mock can only be specified for Task, Map, or Parallel states." */
function parseMock(request: TestStateRequest, state: State): TestStateMock {
  const mock = request.mock ?? {};
  if (state.type !== 'Task' && state.type !== 'Map' && state.type !== 'Parallel') {
    invalid(`State type '${state.type}' is not supported when a mock is specified`);
  }
  if ((mock.result === undefined) === (mock.errorOutput === undefined)) {
    invalid('A test mock should have only one of the following fields: [result, errorOutput].');
  }
  if (request.revealSecrets) invalid('TestState does not support RevealSecrets when a mock is specified.');
  if (mock.errorOutput) {
    // MockErrorOutput.error: "This field is required if mock.errorOutput is specified."
    const { error, cause } = mock.errorOutput;
    if (error === undefined)
      invalid('mock.errorOutput.error is required when mock.errorOutput is specified.');
    return { failure: { error, ...(cause !== undefined ? { cause } : {}) } };
  }
  let result: unknown;
  try {
    result = JSON.parse(mock.result ?? '');
  } catch {
    invalid('Mocked result must be valid JSON');
  }
  if (state.type === 'Map' && !Array.isArray(result)) invalid('Mocked result must be an array.');
  if (state.type === 'Parallel') {
    if (!Array.isArray(result)) invalid('Mocked result must be an array.');
    if (result.length !== state.branches.length) {
      invalid('Mocked result must contain the same number of items as number of Parallel branches.');
    }
  }
  // fieldValidationMode (default STRICT) checks the result against the service's API model. The
  // local endpoint has no API models, so STRICT and PRESENT check only what every AWS service
  // integration answers: a JSON object. NONE checks nothing. (A Lambda function ARN or an
  // activity may answer any JSON.)
  const strict = (mock.fieldValidationMode ?? 'STRICT') !== 'NONE';
  const isObject = typeof result === 'object' && result !== null && !Array.isArray(result);
  if (strict && state.type === 'Task' && state.resource.kind === 'service' && !isObject) {
    invalid(
      `Mock result schema validation error: the result of '${state.resource.arn}' must be a JSON object, not ${JSON.stringify(result)}. ` +
        'The local endpoint has no API models to check its fields against; set mock.fieldValidationMode to NONE to mock another value.',
    );
  }
  return { result };
}

/** What AWS allows only with a mock. */
function refuseWithoutMock(request: TestStateRequest, state: State): void {
  if (state.type === 'Map' || state.type === 'Parallel') {
    // AWS answers this one as InvalidDefinition, not ValidationException.
    throw new SfnApiError(
      'InvalidDefinition',
      'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]',
    );
  }
  if (request.stateConfiguration?.mapIterationFailureCount !== undefined) {
    invalid('TestState does not support MapIterationFailureCount when a mock is not specified.');
  }
  // AWS: "This field may only be specified if a mock is specified in the same request."
  if (request.context !== undefined)
    invalid('TestState does not support Context when a mock is not specified.');
}

/** stateConfiguration: retrierRetryCount goes to the engine; the Map fields are not supported here. */
function checkConfiguration(request: TestStateRequest, state: State): void {
  const configuration = request.stateConfiguration ?? {};
  for (const field of ['mapIterationFailureCount', 'mapItemReaderData'] as const) {
    if (configuration[field] !== undefined) {
      invalid(
        `The local Step Functions endpoint does not support stateConfiguration.${field}: a mocked Map state's result is the mock, with no iterations counted or read.`,
      );
    }
  }
  const origin = configuration.errorCausedByState;
  if (origin === undefined) return;
  // "The name of the state from which an error originates when an error is mocked for a Map or
  // Parallel state." The error and cause are the mock's; the name must be one of the state's own.
  if ((state.type !== 'Map' && state.type !== 'Parallel') || !request.mock?.errorOutput) {
    invalid(
      'stateConfiguration.errorCausedByState applies only when an error is mocked for a Map or Parallel state.',
    );
  }
  if (!innerGraphs(state).some((graph) => findState(graph, origin))) {
    invalid(
      `stateConfiguration.errorCausedByState '${origin}' is not a state of '${state.name}'s iterations or branches.`,
    );
  }
}

function invalid(message: string): never {
  throw new SfnApiError('ValidationException', message);
}

function json(text: string | undefined, what: string, fallback: unknown): unknown {
  if (text === undefined) return fallback;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SfnApiError(
      'InvalidExecutionInput',
      `${what} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function response(
  result: TestStateResult,
  level: 'INFO' | 'DEBUG' | 'TRACE',
  state: State,
): Record<string, unknown> {
  return {
    status: result.status,
    ...('output' in result ? { output: JSON.stringify(result.output) } : {}),
    ...('failure' in result ? withDefined(result.failure) : {}),
    ...('next' in result && result.next !== undefined ? { nextState: result.next } : {}),
    ...(level === 'INFO' ? {} : { inspectionData: { ...inspectionData(result), ...mapSettings(state) } }),
  };
}

/**
 * A Map's maxConcurrency, toleratedFailureCount and toleratedFailurePercentage, as AWS adds them
 * (a mocked Map on AWS reports `maxConcurrency: 0` when the field is absent). Only literal values
 * are reported: a `{% %}` value is not evaluated for a mocked Map here.
 */
function mapSettings(state: State): Record<string, number> {
  if (state.type !== 'Map') return {};
  const literal = (d: Dynamic<number> | undefined) => (d?.kind === 'literal' ? d.value : undefined);
  const settings: Record<string, number | undefined> = {
    maxConcurrency: literal(state.maxConcurrency),
    toleratedFailureCount: literal(state.toleratedFailureCount),
    toleratedFailurePercentage: literal(state.toleratedFailurePercentage),
  };
  return Object.fromEntries(
    Object.entries(settings).filter((e): e is [string, number] => e[1] !== undefined),
  );
}

/** What DEBUG and TRACE add: payloads as JSON text, and which retrier or catcher applied. */
function inspectionData(result: TestStateResult): Record<string, unknown> {
  const { input, afterArguments, result: raw, variables } = result.inspection;
  const errorDetails =
    result.status === 'CAUGHT_ERROR'
      ? { catchIndex: result.catchIndex }
      : result.status === 'RETRIABLE'
        ? { retryIndex: result.retryIndex, retryBackoffIntervalSeconds: Math.round(result.retryDelaySeconds) }
        : // AWS names the retrier that matched but had no attempts left.
          result.status === 'FAILED' && result.retryIndex !== undefined
          ? { retryIndex: result.retryIndex }
          : undefined;
  return {
    input: JSON.stringify(input),
    ...after(result.inspection, 'afterInputPath'),
    ...after(result.inspection, 'afterParameters'),
    ...('afterArguments' in result.inspection ? { afterArguments: JSON.stringify(afterArguments) } : {}),
    ...('result' in result.inspection ? { result: JSON.stringify(raw) } : {}),
    ...after(result.inspection, 'afterResultSelector'),
    ...after(result.inspection, 'afterResultPath'),
    // AWS: the variables after the state, those given and those it assigned.
    ...(Object.keys(variables).length > 0 ? { variables: JSON.stringify(variables) } : {}),
    ...(errorDetails ? { errorDetails } : {}),
  };
}

/** One of a JSONPath state's `after...` stages as JSON text, when the visit reached it. */
function after(
  inspection: TestStateResult['inspection'],
  key: 'afterInputPath' | 'afterParameters' | 'afterResultSelector' | 'afterResultPath',
): Record<string, string> {
  return key in inspection ? { [key]: JSON.stringify(inspection[key]) } : {};
}

function withDefined(failure: Failure): Record<string, string> {
  return {
    ...(failure.error !== undefined ? { error: failure.error } : {}),
    ...(failure.cause !== undefined ? { cause: failure.cause } : {}),
  };
}
