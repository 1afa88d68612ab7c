/**
 * TestState: runs one state definition once, with real integrations, through the engine's
 * testState, and answers its result in the API's shape.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html
 */
import { z } from 'zod';
import {
  DefinitionErrors,
  type Failure,
  parseState,
  testState as runState,
  type State,
  type TestStateResult,
} from '../../asl/index.ts';
import type { SfnBackend } from './backend.ts';
import { SfnApiError } from './errors.ts';
import { parseRequest } from './validate.ts';

const Request = z.object({
  definition: z.string(),
  roleArn: z.string().optional(),
  input: z.string().optional(),
  inspectionLevel: z.enum(['INFO', 'DEBUG', 'TRACE']).optional(),
  revealSecrets: z.boolean().optional(),
  variables: z.string().optional(),
});

/** The name the tested state goes by (`$states.context.State.Name`). */
const STATE_NAME = 'TestState';

export async function testState(b: SfnBackend, body: unknown): Promise<unknown> {
  const request = parseRequest(Request, body);
  const state = parse(request.definition);
  const input = json(request.input, 'Input', {});
  const variables = json(request.variables, 'Variables', {});
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
    throw new SfnApiError(
      'InvalidExecutionInput',
      `Variables must be a JSON object of names to values, not ${JSON.stringify(variables)}.`,
    );
  }
  const result = await runState(b.env, {
    state,
    input,
    variables: variables as Record<string, unknown>,
    ...(request.roleArn !== undefined ? { roleArn: request.roleArn } : {}),
  });
  return response(result, request.inspectionLevel ?? 'INFO');
}

function parse(definition: string): State {
  try {
    return parseState(definition, STATE_NAME);
  } catch (error) {
    if (!(error instanceof DefinitionErrors)) throw error;
    const problems = error.errors.map((e) => `${e.code}: ${e.message}`).join(', ');
    throw new SfnApiError('InvalidDefinition', `Invalid State Machine Definition: '${problems}'`);
  }
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

function response(result: TestStateResult, level: 'INFO' | 'DEBUG' | 'TRACE'): Record<string, unknown> {
  return {
    status: result.status,
    ...('output' in result ? { output: JSON.stringify(result.output) } : {}),
    ...('failure' in result ? withDefined(result.failure) : {}),
    ...('next' in result && result.next !== undefined ? { nextState: result.next } : {}),
    ...(level === 'INFO' ? {} : { inspectionData: inspectionData(result) }),
  };
}

/** What DEBUG and TRACE add: payloads as JSON text, and which retrier or catcher applied. */
function inspectionData(result: TestStateResult): Record<string, unknown> {
  const { input, afterArguments, result: raw, variables } = result.inspection;
  const errorDetails =
    result.status === 'CAUGHT_ERROR'
      ? { catchIndex: result.catchIndex }
      : result.status === 'RETRIABLE'
        ? { retryIndex: result.retryIndex, retryBackoffIntervalSeconds: Math.round(result.retryDelaySeconds) }
        : undefined;
  return {
    input: JSON.stringify(input),
    ...('afterArguments' in result.inspection ? { afterArguments: JSON.stringify(afterArguments) } : {}),
    ...('result' in result.inspection ? { result: JSON.stringify(raw) } : {}),
    // AWS: the variables after the state, those given and those it assigned.
    ...(Object.keys(variables).length > 0 ? { variables: JSON.stringify(variables) } : {}),
    ...(errorDetails ? { errorDetails } : {}),
  };
}

function withDefined(failure: Failure): Record<string, string> {
  return {
    ...(failure.error !== undefined ? { error: failure.error } : {}),
    ...(failure.cause !== undefined ? { cause: failure.cause } : {}),
  };
}
