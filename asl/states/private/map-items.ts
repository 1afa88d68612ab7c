/**
 * The items a Map state iterates over: Items (or the input array), ItemReader, ItemSelector,
 * ItemBatcher. https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html
 */
import type { MapState } from '../../definition/types.ts';
import { evaluateDynamic, evaluateOptional } from '../../fields/dynamic.ts';
import {
  type Evaluated,
  evaluateTemplate,
  type QueryFailed,
  queryFailure,
  templateSource,
  unexpectedType,
} from '../../fields/evaluate.ts';
import {
  evaluatePayloadField,
  pathData,
  runtimeFailure,
  selectPath,
  statesRoots,
  workingInput,
} from '../../fields/paths.ts';
import type { Step } from '../../runtime/context.ts';
import type { Failure } from '../../runtime/outcome.ts';
import { byteLength, toJsonText } from '../../runtime/payload.ts';
import { bindings, contextObject, type StatesBinding, statesBinding } from '../../runtime/states-binding.ts';
import { readFromResource } from './map-reader.ts';

export interface MapSettings {
  readonly maxConcurrency: number;
  readonly toleratedFailureCount?: number;
  readonly toleratedFailurePercentage?: number;
}

export type Prepared =
  | {
      readonly ok: true;
      readonly inputs: readonly unknown[];
      readonly settings: MapSettings;
      /** `$states` of the visit, its input the effective input (JSONPath: after InputPath). */
      readonly states: StatesBinding;
    }
  | { readonly ok: false; readonly query?: QueryFailed; readonly failure?: Failure };

export async function prepareItems(step: Step<MapState>): Promise<Prepared> {
  const { state, site } = step;
  // JSONPath: everything below reads the effective input (after InputPath) as `$`.
  const effective = workingInput(step);
  if (!effective.ok) return { ok: false, query: effective };
  const states = statesBinding(step, { input: effective.value });

  const items = await readItems(step, states);
  if (!items.ok) return items;

  const maxConcurrency = await evaluateDynamic(
    state.maxConcurrency,
    states,
    'MaxConcurrency',
    'integer',
    step,
  );
  if (!maxConcurrency.ok) return { ok: false, query: maxConcurrency };
  const selected: unknown[] = [];
  if (state.itemSelectorPayload) {
    const base = contextObject(step);
    for (const [index, value] of items.items.entries()) {
      const context = { ...base, Map: { Item: { Index: index, Value: value } } };
      const r = evaluatePayloadField(
        step,
        state.itemSelectorPayload,
        pathData(step, states.input, { context }),
      );
      if (!r.ok) return { ok: false, query: r };
      selected.push(r.value);
    }
  } else if (state.itemSelector) {
    for (const [index, value] of items.items.entries()) {
      const context = contextObject(step, { mapItem: { index, value } });
      const r = await evaluateTemplate(
        state.itemSelector,
        bindings(step, { input: step.input, context }),
        'ItemSelector',
        site,
      );
      if (!r.ok) return { ok: false, query: r };
      selected.push(r.value);
    }
  } else {
    selected.push(...items.items);
  }

  const inputs = state.itemBatcher
    ? await batch(step, selected, states)
    : { ok: true as const, value: selected };
  if (!inputs.ok) return { ok: false, query: inputs };
  return {
    ok: true,
    inputs: inputs.value,
    settings: { maxConcurrency: maxConcurrency.value },
    states,
  };
}

/**
 * ToleratedFailureCount and ToleratedFailurePercentage, evaluated after MapStateStarted (a bad
 * ToleratedFailureCountPath value fails the state after it, as recorded).
 */
export async function toleratedSettings(
  step: Step<MapState>,
  states: StatesBinding,
): Promise<Evaluated<Pick<MapSettings, 'toleratedFailureCount' | 'toleratedFailurePercentage'>>> {
  const { site, state } = step;
  const count = await evaluateOptional(
    state.toleratedFailureCount,
    states,
    'ToleratedFailureCount',
    'integer',
    step,
  );
  if (!count.ok) return count;
  const percentage = await evaluateOptional(
    state.toleratedFailurePercentage,
    states,
    'ToleratedFailurePercentage',
    'number',
    step,
  );
  if (!percentage.ok) return percentage;
  const toleratedFailureCount = count.value;
  const toleratedFailurePercentage = percentage.value;
  // Read from a path, the values are checked only now (a literal is checked at creation).
  if (toleratedFailureCount !== undefined && toleratedFailureCount < 0) {
    return runtimeFailure(site, 'ToleratedFailureCount cannot be negative.');
  }
  if (
    toleratedFailurePercentage !== undefined &&
    (toleratedFailurePercentage < 0 || toleratedFailurePercentage > 100)
  ) {
    return runtimeFailure(site, 'ToleratedFailurePercentage must be between 0 and 100.');
  }

  return {
    ok: true,
    value: {
      ...(toleratedFailureCount !== undefined ? { toleratedFailureCount } : {}),
      ...(toleratedFailurePercentage !== undefined ? { toleratedFailurePercentage } : {}),
    },
  };
}

export type Items =
  | { readonly ok: true; readonly items: readonly unknown[] }
  | { readonly ok: false; readonly query?: QueryFailed; readonly failure?: Failure };

async function readItems(step: Step<MapState>, states: StatesBinding): Promise<Items> {
  const { state, site } = step;
  if (state.itemReader) return readFromResource(step, state.itemReader, states);
  if (state.io) {
    const r = selectPath(site, state.itemsPath, statesRoots(step, states));
    if (!r.ok) return { ok: false, query: r };
    if (!Array.isArray(r.value)) return { ok: false, query: runtimeFailure(site, notAnArray(r.value)) };
    return { ok: true, items: r.value };
  }
  if (state.items) {
    const r = await evaluateTemplate(state.items, bindings(step, statesBinding(step)), 'Items', site);
    if (!r.ok) return { ok: false, query: r };
    if (!Array.isArray(r.value)) {
      return {
        ok: false,
        query: queryFailure(
          site,
          'Items',
          unexpectedType(templateSource(state.items), 'Items', 'array', r.value),
        ),
      };
    }
    return { ok: true, items: r.value };
  }
  if (!Array.isArray(step.input)) {
    return {
      ok: false,
      query: queryFailure(site, undefined, notAnArray(step.input)),
    };
  }
  return { ok: true, items: step.input };
}

/** AWS's message for Map items that are not an array (JSONata and JSONPath alike). */
function notAnArray(value: unknown): string {
  return `Map state input must be an array but was: ${toJsonText(value)}`;
}

/** ItemBatcher: groups items into `{ BatchInput, Items: [...] }` objects. */
async function batch(
  step: Step<MapState>,
  items: readonly unknown[],
  states: StatesBinding,
): Promise<Evaluated<unknown[]>> {
  const batcher = step.state.itemBatcher;
  if (!batcher) return { ok: true, value: [...items] };
  const perBatch = await evaluateOptional(
    batcher.maxItemsPerBatch,
    states,
    'ItemBatcher/MaxItemsPerBatch',
    'integer',
    step,
  );
  if (!perBatch.ok) return perBatch;
  const bytesPerBatch = await evaluateOptional(
    batcher.maxInputBytesPerBatch,
    states,
    'ItemBatcher/MaxInputBytesPerBatch',
    'integer',
    step,
  );
  if (!bytesPerBatch.ok) return bytesPerBatch;
  const maxItems = perBatch.value ?? Number.POSITIVE_INFINITY;
  // AWS: a batch holds at most 256 KiB of input unless MaxInputBytesPerBatch says less.
  const maxBytes = bytesPerBatch.value ?? 256 * 1024;
  let batchInput: Record<string, unknown> | undefined;
  if (batcher.batchInputPayload) {
    const r = evaluatePayloadField(step, batcher.batchInputPayload, statesRoots(step, states));
    if (!r.ok) return r;
    batchInput = r.value as Record<string, unknown>;
  } else if (batcher.batchInput) {
    const r = await evaluateTemplate(
      batcher.batchInput,
      bindings(step, states),
      'ItemBatcher/BatchInput',
      step.site,
    );
    if (!r.ok) return r;
    batchInput = r.value as Record<string, unknown>;
  }
  // Each batch is `{ "Items": [...] }`, with BatchInput under its own key when there is one
  // (recorded: scenarios.test_base_scenarios.test_map_item_batching_base_json_max_per_batch_jsonata).
  const batchOf = (list: unknown[]) =>
    batchInput === undefined ? { Items: list } : { BatchInput: batchInput, Items: list };
  const batches: unknown[] = [];
  let current: unknown[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = byteLength(toJsonText(item));
    if (current.length > 0 && (current.length >= maxItems || bytes + size > maxBytes)) {
      batches.push(batchOf(current));
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(batchOf(current));
  return { ok: true, value: batches };
}
