/**
 * TestState: runs one state definition once, with real integrations, and says what it produced
 * and where it would go next. https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html
 *
 * The state runs in the engine as the only real state of a small machine: a Pass state first
 * assigns the given variables, and every state the tested one can transition to is a stub
 * Succeed state, so the engine's own history tells which transition was taken. Retry is not
 * performed, as on AWS: a failure a retrier matches reports status RETRIABLE.
 */
import { z } from 'zod';
import { errorMatches } from '../../asl/fields/retry.ts';
import { DefinitionErrors, execute, type HistoryEvent, parseDefinition } from '../../asl/index.ts';
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

const TESTED = 'TestState';
const SEED = 'TestStateVariables';

type RawState = Record<string, unknown>;

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

/** Names of the states the tested state can move to (Next, Default, each Choice, each Catch). */
function targets(state: RawState): string[] {
  const out = new Set<string>();
  const add = (v: unknown): void => {
    if (typeof v === 'string') out.add(v);
  };
  add(state.Next);
  add(state.Default);
  for (const rule of Array.isArray(state.Choices) ? state.Choices : []) add((rule as RawState).Next);
  for (const c of Array.isArray(state.Catch) ? state.Catch : []) add((c as RawState).Next);
  return [...out];
}

export async function testState(b: SfnBackend, body: unknown): Promise<unknown> {
  const request = parseRequest(Request, body);
  const state = json(request.definition, 'The state definition', undefined) as RawState;
  if (typeof state !== 'object' || state === null || Array.isArray(state) || typeof state.Type !== 'string') {
    throw new SfnApiError(
      'InvalidDefinition',
      "Invalid State Machine Definition: 'the definition must be one state object with a Type'",
    );
  }
  const input = json(request.input, 'Input', {});
  const variables = json(request.variables, 'Variables', {}) as Record<string, unknown>;
  const { Retry: retry, ...withoutRetry } = state;
  const stubs = Object.fromEntries(targets(state).map((name) => [name, { Type: 'Succeed' }]));
  const machine = {
    QueryLanguage: state.QueryLanguage ?? 'JSONata',
    StartAt: SEED,
    States: {
      [SEED]: { Type: 'Pass', QueryLanguage: 'JSONata', Assign: variables, Next: TESTED },
      [TESTED]: withoutRetry,
      ...stubs,
    },
  };
  let definition: ReturnType<typeof parseDefinition>;
  try {
    definition = parseDefinition(machine);
  } catch (error) {
    if (!(error instanceof DefinitionErrors)) throw error;
    throw new SfnApiError(
      'InvalidDefinition',
      `Invalid State Machine Definition: '${error.errors.map((e) => e.message).join(', ')}'`,
    );
  }
  const result = await execute(b.env, { definition, input, name: `test-${crypto.randomUUID()}` });
  return report(result.events, retry, result.error, result.cause, request.inspectionLevel ?? 'INFO');
}

function report(
  events: readonly HistoryEvent[],
  retry: unknown,
  error: string | undefined,
  cause: string | undefined,
  level: string,
): Record<string, unknown> {
  const entered = events.findIndex((e) => e.stateEnteredEventDetails?.name === TESTED);
  const after = events.slice(entered + 1);
  const exited = after.find((e) => e.stateExitedEventDetails?.name === TESTED);
  const next = after.find((e) => e.stateEnteredEventDetails !== undefined)?.stateEnteredEventDetails?.name;
  const taskFailed = after.find((e) => e.taskFailedEventDetails ?? e.lambdaFunctionFailedEventDetails);
  const failure = taskFailed?.taskFailedEventDetails ?? taskFailed?.lambdaFunctionFailedEventDetails;
  const inspection =
    level === 'INFO'
      ? {}
      : {
          inspectionData: {
            input: events[entered]?.stateEnteredEventDetails?.input,
            ...(after.find((e) => e.taskScheduledEventDetails)
              ? {
                  afterArguments: after.find((e) => e.taskScheduledEventDetails)?.taskScheduledEventDetails
                    ?.parameters,
                }
              : {}),
            ...(after.find((e) => e.taskSucceededEventDetails)
              ? { result: after.find((e) => e.taskSucceededEventDetails)?.taskSucceededEventDetails?.output }
              : {}),
            ...(exited?.stateExitedEventDetails?.assignedVariables
              ? {
                  variables: JSON.stringify(
                    Object.fromEntries(
                      Object.entries(exited.stateExitedEventDetails.assignedVariables).map(([k, v]) => [
                        k,
                        JSON.parse(v),
                      ]),
                    ),
                  ),
                }
              : {}),
          },
        };
  if (exited && failure) {
    // A catcher handled the failure: AWS reports CAUGHT_ERROR with the catcher's Next.
    return {
      status: 'CAUGHT_ERROR',
      output: exited.stateExitedEventDetails?.output,
      error: failure.error,
      cause: failure.cause,
      ...(next ? { nextState: next } : {}),
      ...inspection,
    };
  }
  if (exited) {
    return {
      status: 'SUCCEEDED',
      output: exited.stateExitedEventDetails?.output,
      ...(next ? { nextState: next } : {}),
      ...inspection,
    };
  }
  const retriable =
    Array.isArray(retry) &&
    retry.some(
      (r) =>
        Array.isArray((r as RawState).ErrorEquals) &&
        errorMatches((r as { ErrorEquals: string[] }).ErrorEquals, error),
    );
  return {
    status: retriable ? 'RETRIABLE' : 'FAILED',
    ...(error !== undefined ? { error } : {}),
    ...(cause !== undefined ? { cause } : {}),
    ...inspection,
  };
}
