/**
 * A Map state's ItemReader: its arguments (JSONata Arguments or JSONPath Parameters), the call
 * through the task registry, and the items parsed from what the reader answered.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 */
import type { ItemReader, MapState } from '../../definition/types.ts';
import { evaluateOptional } from '../../fields/dynamic.ts';
import { type Evaluated, evaluateTemplate } from '../../fields/evaluate.ts';
import { evaluatePayloadField, statesRoots } from '../../fields/paths.ts';
import type { Step } from '../../runtime/context.ts';
import { StatesError } from '../../runtime/outcome.ts';
import { toJsonText } from '../../runtime/payload.ts';
import { bindings, type StatesBinding } from '../../runtime/states-binding.ts';
import type { Items } from './map-items.ts';

/** Calls the reader's resource and parses its answer into the items, at most ReaderConfig.MaxItems. */
export async function readFromResource(
  step: Step<MapState>,
  reader: ItemReader,
  states: StatesBinding,
): Promise<Items> {
  const { state, frame } = step;
  const args = await readerArguments(step, reader, states);
  if (!args.ok) return { ok: false, query: args };
  const max = await evaluateOptional(
    reader.readerConfig?.maxItems,
    states,
    'ItemReader/ReaderConfig/MaxItems',
    'integer',
    step,
  );
  if (!max.ok) return { ok: false, query: max };
  const handler = frame.run.env.tasks.resolve(reader.resource);
  if (!handler)
    return readerFailed(`No integration serves the ItemReader resource '${reader.resource.arn}'.`);
  const result = await handler({
    resource: reader.resource,
    arguments: args.value,
    region: reader.resource.region ?? frame.run.env.region,
    signal: frame.signal,
    execution: frame.run.info,
    stateName: state.name,
  });
  if (result.ok === false) return { ok: false, failure: result.failure };
  const items = parseContent(reader, result.output);
  if (!items.ok) return items;
  const maxItems = max.value;
  return {
    ok: true,
    items: maxItems !== undefined && maxItems > 0 ? items.items.slice(0, maxItems) : items.items,
  };
}

/** The reader's arguments: JSONPath Parameters, JSONata Arguments, or none (`{}`). */
async function readerArguments(
  step: Step<MapState>,
  reader: ItemReader,
  states: StatesBinding,
): Promise<Evaluated<unknown>> {
  if (reader.parameters) {
    return evaluatePayloadField(step, reader.parameters, statesRoots(step, states));
  }
  if (reader.arguments) {
    return evaluateTemplate(reader.arguments, bindings(step, states), 'ItemReader/Arguments', step.site);
  }
  return { ok: true, value: {} };
}

/** The items in the reader's answer, by its InputType (a listObjectsV2 reader lists, others read JSON). */
function parseContent(reader: ItemReader, output: unknown): Items {
  const body = (output as { Body?: unknown } | null)?.Body ?? output;
  const inputType =
    reader.readerConfig?.inputType ?? (reader.resource.action === 'listObjectsV2' ? 'LIST' : 'JSON');
  let items: unknown;
  try {
    if (inputType === 'JSONL') {
      items = String(body)
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as unknown);
    } else if (inputType === 'LIST') {
      items = (output as { Contents?: unknown[] } | null)?.Contents ?? [];
    } else {
      items = typeof body === 'string' ? JSON.parse(body) : body;
    }
  } catch (error) {
    return readerFailed(
      `The ItemReader content is not valid ${inputType}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!Array.isArray(items)) {
    return readerFailed(
      `The ItemReader content must be a JSON array, but was ${toJsonText(items).slice(0, 100)}`,
    );
  }
  return { ok: true, items };
}

function readerFailed(cause: string): Items {
  return { ok: false, failure: { error: StatesError.ItemReaderFailed, cause } };
}
