/**
 * A JSONPath state's data flow in one run: the value after each of its fields (InputPath,
 * Parameters, ResultSelector, ResultPath, OutputPath, Assign), in AWS's order. What the history
 * records is read from it (the parameters a task was sent, its result, the state's output, what
 * it assigned); the steps in between (the input after InputPath, the result after
 * ResultSelector, the output before OutputPath) are what Step Functions' TestState reports at
 * inspection level DEBUG for the same state, given the run's input, variables and context
 * object, with a task's result mocked by the recorded one: no service is called.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html
 */
import type { ConsoleContext } from './context.ts';
import type { EvaluatedField } from './evaluate.ts';
import type { StateRun } from './history.ts';
import { probeContext, testState } from './test-state-calls.ts';

/** The fields in the order AWS applies them, and TestState's name for the value after each. */
const STAGES = [
  { field: 'InputPath', inspection: 'afterInputPath' },
  { field: 'Parameters', inspection: 'afterParameters' },
  { field: 'ResultSelector', inspection: 'afterResultSelector' },
  { field: 'ResultPath', inspection: 'afterResultPath' },
  { field: 'OutputPath', inspection: undefined },
] as const;

/** States TestState runs as they are; a Map's or Parallel's inner work is in its iterations' runs. */
const PROBED = new Set(['Pass', 'Task', 'Choice', 'Wait', 'Succeed']);

/**
 * What TestState runs for a state: the state itself, but a Wait's only step (InputPath) as a Pass
 * with the same InputPath (TestState would wait the Wait out: hours, days).
 */
function probeDefinition(state: Record<string, unknown>): Record<string, unknown> {
  const { Retry: _retry, Catch: _catch, ...definition } = state;
  if (state.Type !== 'Wait') return { ...definition, QueryLanguage: 'JSONPath' };
  return { Type: 'Pass', QueryLanguage: 'JSONPath', InputPath: state.InputPath, End: true };
}

type Inspection = Partial<Record<(typeof STAGES)[number]['inspection'] & string, string>>;

const row = (field: string, template: unknown, more: Omit<EvaluatedField, 'field' | 'template'>) => ({
  field,
  template,
  ...more,
});

export async function evaluateJsonPathFields(
  ctx: ConsoleContext,
  state: Record<string, unknown>,
  run: StateRun,
): Promise<EvaluatedField[]> {
  const present = STAGES.filter(
    ({ field }) => field in state && !(field === 'Parameters' && state.Type === 'Map'),
  );
  const assign =
    state.Assign !== null && typeof state.Assign === 'object'
      ? (state.Assign as Record<string, unknown>)
      : {};
  if (present.length === 0 && Object.keys(assign).length === 0) return [];
  const succeeded = run.status === 'succeeded';
  let inspection: Inspection | undefined;
  let refused: string | undefined;
  const needsProbe = present.some(({ inspection: key }) => key !== undefined && !recorded(state, run, key));
  if (needsProbe && succeeded && PROBED.has(String(state.Type))) {
    const answer = await probe(ctx, state, run);
    if ('error' in answer) refused = answer.error;
    else inspection = answer.inspection;
  }
  const rows: EvaluatedField[] = present.map(({ field, inspection: key }) => {
    const template = state[field];
    if (field === 'OutputPath') {
      return succeeded
        ? row(field, template, { source: 'history', value: run.output })
        : row(field, template, {
            source: 'not evaluated',
            note: `Not evaluated: the state is ${run.status}.`,
          });
    }
    const fromHistory = key ? recorded(state, run, key) : undefined;
    if (fromHistory) return row(field, template, { source: 'history', value: fromHistory.value });
    if (!succeeded) {
      return row(field, template, {
        source: 'not evaluated',
        note: `Not re-evaluated: the state is ${run.status} (its input and its failure are above).`,
      });
    }
    if (!PROBED.has(String(state.Type))) {
      return row(field, template, {
        source: 'not evaluated',
        note: `Not re-evaluated: TestState runs a ${String(state.Type)} state only with a mocked result; its iterations' runs show each item's flow.`,
      });
    }
    const mocked = state.Type === 'Task';
    if (refused !== undefined) return row(field, template, { source: 'TestState', mocked, error: refused });
    const text = key ? inspection?.[key] : undefined;
    return text === undefined
      ? row(field, template, {
          source: 'TestState',
          mocked,
          error: 'TestState reported no value for this step.',
        })
      : row(field, template, { source: 'TestState', mocked, value: JSON.parse(text) });
  });
  for (const [key, template] of Object.entries(assign)) {
    // `name.$` assigns the value its path or intrinsic selects to the variable `name`.
    const name = key.endsWith('.$') ? key.slice(0, -2) : key;
    const field = `Assign.${name}`;
    rows.push(
      succeeded && run.assigned && Object.hasOwn(run.assigned, name)
        ? row(field, template, { source: 'history', value: run.assigned[name] })
        : row(field, template, {
            source: 'not evaluated',
            note: `Not assigned: the state is ${run.status}.`,
          }),
    );
  }
  return rows;
}

/** A step's value as the history records it: a Task's parameters are what it sent (after Parameters). */
function recorded(
  state: Record<string, unknown>,
  run: StateRun,
  key: string,
): { value: unknown } | undefined {
  if (key === 'afterParameters' && state.Type === 'Task' && run.arguments !== undefined) {
    return { value: run.arguments };
  }
  return undefined;
}

/** The state run once through TestState (DEBUG), a task's result mocked by the recorded one. */
async function probe(
  ctx: ConsoleContext,
  state: Record<string, unknown>,
  run: StateRun,
): Promise<{ inspection: Inspection } | { error: string }> {
  const task = state.Type === 'Task';
  const withTask = task && String(state.Resource ?? '').endsWith('.waitForTaskToken');
  const definition = probeDefinition(state);
  // TestState takes a context object only with a mock, which only a Task here has.
  if (!task && JSON.stringify(definition).includes('$$')) {
    return {
      error:
        'Not re-evaluated: the state reads the context object ($$), which TestState accepts only for a state whose result is mocked (a Task).',
    };
  }
  try {
    const answer = await testState(ctx, {
      definition: JSON.stringify(definition),
      // A state's input may be null (an OutputPath before it selected null): only a missing one is {}.
      input: JSON.stringify(run.input === undefined ? {} : run.input),
      variables: JSON.stringify(run.variablesBefore),
      ...(task
        ? {
            context: JSON.stringify(probeContext(run.context, withTask)),
            mock: { result: JSON.stringify(run.result ?? null), fieldValidationMode: 'NONE' as const },
          }
        : {}),
      inspectionLevel: 'DEBUG',
    });
    if (answer.status !== 'SUCCEEDED') {
      return { error: `${answer.error ?? 'Failed'}: ${answer.cause ?? ''}`.trim() };
    }
    return { inspection: (answer.inspectionData ?? {}) as Inspection };
  } catch (error) {
    return {
      error: `TestState refused: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    };
  }
}
