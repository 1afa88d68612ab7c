/**
 * The value of each `{% %}` field of a state as it was evaluated in one run. What the history
 * records is read from it (Arguments: what the resource received; Output; Assign); every other
 * field (Choice conditions, Items, ItemSelector, Seconds, TimeoutSeconds, Fail's Error and
 * Cause, ...) is evaluated again by Step Functions itself through TestState: the field becomes
 * the Output of a probe Task whose result is mocked with the run's recorded result, given the
 * run's input, the variables in scope and its context object. With a mock no service is called,
 * and the values are AWS's own evaluation on AWS, the local engine's locally.
 */
import type { ConsoleContext } from './context.ts';
import { evaluateJsonPathFields } from './evaluate-jsonpath.ts';
import type { StateRun } from './history.ts';
import { probeContext, testState } from './test-state-calls.ts';

export interface EvaluatedField {
  /** Where the field is: `Arguments`, `Choices[0].Condition`, `Assign.total`, `Catch[1].Output`. */
  readonly field: string;
  /** The field as written (an expression, or a JSON template holding expressions). */
  readonly template: unknown;
  readonly source: 'history' | 'TestState' | 'not evaluated';
  /** False when TestState ran the state with no mocked result (a JSONPath Pass, Choice, Wait, Succeed). */
  readonly mocked?: boolean;
  /** Why a field was not evaluated in this run. */
  readonly note?: string;
  readonly value?: unknown;
  /** The evaluation failed (its States error), or could not be made. */
  readonly error?: string;
}

/** Fields the history records for a run, and where. */
const RECORDED: Readonly<Record<string, (run: StateRun) => { found: boolean; value?: unknown }>> = {
  Arguments: (run) => ({ found: run.arguments !== undefined, value: run.arguments }),
  Output: (run) => ({ found: run.output !== undefined && run.status !== 'caught', value: run.output }),
};

/** A probe may only reference what a Task's Output can: that is every field's own scope or less. */
const PROBE_RESOURCE = 'arn:aws:states:::aws-sdk:sfn:listStateMachines';

function hasExpression(value: unknown): boolean {
  if (typeof value === 'string') return value.trimStart().startsWith('{%');
  if (Array.isArray(value)) return value.some(hasExpression);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasExpression);
  return false;
}

/** Every field of the state holding an expression, in the order the state's documentation lists them. */
export function expressionFields(
  state: Record<string, unknown>,
): { field: string; template: unknown; catchIndex?: number }[] {
  const fields: { field: string; template: unknown; catchIndex?: number }[] = [];
  const add = (field: string, template: unknown, catchIndex?: number) => {
    if (template !== undefined && hasExpression(template))
      fields.push({ field, template, ...(catchIndex !== undefined ? { catchIndex } : {}) });
  };
  for (const key of [
    'Items',
    'ItemSelector',
    'Arguments',
    'Seconds',
    'Timestamp',
    'TimeoutSeconds',
    'HeartbeatSeconds',
    'MaxConcurrency',
    'ToleratedFailureCount',
    'ToleratedFailurePercentage',
    'Credentials',
    'Error',
    'Cause',
  ])
    add(key, state[key]);
  const choices = Array.isArray(state.Choices) ? (state.Choices as Record<string, unknown>[]) : [];
  choices.forEach((choice, i) => {
    add(`Choices[${i}].Condition`, choice.Condition);
    add(`Choices[${i}].Output`, choice.Output);
    if (choice.Assign && typeof choice.Assign === 'object')
      for (const [name, value] of Object.entries(choice.Assign)) add(`Choices[${i}].Assign.${name}`, value);
  });
  add('Output', state.Output);
  if (state.Assign && typeof state.Assign === 'object')
    for (const [name, value] of Object.entries(state.Assign)) add(`Assign.${name}`, value);
  const catchers = Array.isArray(state.Catch) ? (state.Catch as Record<string, unknown>[]) : [];
  catchers.forEach((catcher, i) => {
    add(`Catch[${i}].Output`, catcher.Output, i);
    if (catcher.Assign && typeof catcher.Assign === 'object')
      for (const [name, value] of Object.entries(catcher.Assign)) add(`Catch[${i}].Assign.${name}`, value, i);
  });
  return fields;
}

/** The catcher that handled the run's error: the first whose ErrorEquals names it, or States.ALL. */
function handlingCatcher(state: Record<string, unknown>, run: StateRun): number | undefined {
  if (run.status !== 'caught') return undefined;
  const catchers = Array.isArray(state.Catch) ? (state.Catch as { ErrorEquals?: unknown }[]) : [];
  const index = catchers.findIndex((c) => {
    const names = Array.isArray(c.ErrorEquals) ? (c.ErrorEquals as string[]) : [];
    return (
      names.includes(run.error ?? '') ||
      names.includes('States.ALL') ||
      (names.includes('States.TaskFailed') && !(run.error ?? '').startsWith('States.'))
    );
  });
  return index < 0 ? undefined : index;
}

const skipped = (field: string, template: unknown, why: string): EvaluatedField => ({
  field,
  template,
  source: 'not evaluated',
  note: why,
});

/**
 * The value of each expression field of `state` in `run`, and for the fields that were not
 * evaluated in this run (a rule after the one that matched, a catcher that did not handle the
 * error, the Output of a state that failed), why not.
 */
export async function evaluateFields(
  ctx: ConsoleContext,
  state: Record<string, unknown>,
  run: StateRun,
  machineLanguage: string,
): Promise<EvaluatedField[]> {
  const language = (state.QueryLanguage as string | undefined) ?? machineLanguage;
  if (language === 'JSONPath') return evaluateJsonPathFields(ctx, state, run);
  if (language !== 'JSONata') return [];
  const fields = expressionFields(state);
  // Choice rules are tried in order until one matches: the ones after it are never evaluated.
  const conditions = new Map<string, EvaluatedField>();
  let matched: number | undefined;
  for (const { field, template } of fields) {
    const rule = /^Choices\[(\d+)\]\.Condition$/.exec(field);
    if (!rule) continue;
    if (matched !== undefined) {
      conditions.set(field, skipped(field, template, `Not evaluated: rule ${matched} matched first.`));
      continue;
    }
    const result = await probe(ctx, field, template, run, false);
    conditions.set(field, result);
    if (result.value === true) matched = Number(rule[1]);
  }
  const catcher = handlingCatcher(state, run);
  const succeeded = run.status === 'succeeded';
  return Promise.all(
    fields.map(async ({ field, template, catchIndex }): Promise<EvaluatedField> => {
      const condition = conditions.get(field);
      if (condition) return condition;
      const rule = /^Choices\[(\d+)\]\./.exec(field);
      if (rule && Number(rule[1]) !== matched)
        return skipped(field, template, 'Not evaluated: this rule did not match.');
      if (catchIndex !== undefined) {
        if (catchIndex !== catcher)
          return skipped(field, template, 'Not evaluated: this catcher did not handle an error in this run.');
        return probe(ctx, field, template, run, true);
      }
      const recorded = RECORDED[field]?.(run);
      if (recorded?.found) return { field, template, source: 'history', value: recorded.value };
      if (field === 'Output' || field.startsWith('Assign.')) {
        if (!succeeded) {
          return skipped(
            field,
            template,
            `Not evaluated: the state ${run.status === 'caught' ? 'failed (its catcher’s fields apply)' : `is ${run.status}`}.`,
          );
        }
        const name = field.slice('Assign.'.length);
        if (field !== 'Output' && run.assigned && Object.hasOwn(run.assigned, name))
          return { field, template, source: 'history', value: run.assigned[name] };
      }
      return probe(ctx, field, template, run, false);
    }),
  );
}

async function probe(
  ctx: ConsoleContext,
  field: string,
  template: unknown,
  run: StateRun,
  caught: boolean,
): Promise<EvaluatedField> {
  const written = JSON.stringify(template);
  if (written.includes('$states.context.Map')) {
    return {
      field,
      template,
      source: 'TestState',
      error:
        'Not re-evaluated: TestState does not accept a Map item in the context object (the iteration input shows what the item became).',
    };
  }
  // A callback resource, so that TestState accepts the task token the field reads in the context.
  const withTask = written.includes('$states.context.Task');
  const Resource = withTask ? `${PROBE_RESOURCE}.waitForTaskToken` : PROBE_RESOURCE;
  const definition = caught
    ? {
        Type: 'Task',
        QueryLanguage: 'JSONata',
        Resource,
        Catch: [{ ErrorEquals: ['States.ALL'], Output: template, Next: 'Caught' }],
        End: true,
      }
    : { Type: 'Task', QueryLanguage: 'JSONata', Resource, Output: template, End: true };
  const mock = caught
    ? { errorOutput: { error: run.error ?? 'States.TaskFailed', cause: run.cause ?? '' } }
    : { result: JSON.stringify(run.result ?? {}), fieldValidationMode: 'NONE' as const };
  try {
    const answer = await testState(ctx, {
      definition: JSON.stringify(definition),
      input: JSON.stringify(run.input ?? {}),
      variables: JSON.stringify(run.variablesBefore),
      context: JSON.stringify(probeContext(run.context, withTask)),
      mock,
      inspectionLevel: 'INFO',
    });
    if (answer.status === 'SUCCEEDED' || answer.status === 'CAUGHT_ERROR') {
      return {
        field,
        template,
        source: 'TestState',
        value: answer.output === undefined ? undefined : JSON.parse(answer.output),
      };
    }
    return {
      field,
      template,
      source: 'TestState',
      error: `${answer.error ?? 'Failed'}: ${answer.cause ?? ''}`.trim(),
    };
  } catch (error) {
    return {
      field,
      template,
      source: 'TestState',
      error: `TestState refused: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    };
  }
}
