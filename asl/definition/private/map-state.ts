/**
 * The Map state, with its ItemProcessor, ItemReader and ItemBatcher.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html
 */
import type { ItemBatcher, ItemReader, QueryLanguage, State } from '../types.ts';
import { dynamicNumber, dynamicNumberField } from './dynamic.ts';
import { catchers, retriers } from './errors-fields.ts';
import { pathField, pathVariant, payloadField } from './jsonpath-fields.ts';
import { allowOnly, fail, isObject, type Raw, type Reporter, templateField } from './reporter.ts';
import { type CommonFields, resource, type StateContext, transition } from './states.ts';

export function mapState(
  context: StateContext,
  raw: Raw,
  path: string,
  common: CommonFields,
  language: QueryLanguage,
): State | undefined {
  const processorRaw = raw.ItemProcessor ?? raw.Iterator;
  const processorKey = raw.ItemProcessor !== undefined ? 'ItemProcessor' : 'Iterator';
  if (raw.ItemProcessor !== undefined && raw.Iterator !== undefined) {
    fail(context, path, 'A Map state cannot have both ItemProcessor and Iterator', 'Keep ItemProcessor.');
  }
  if (!isObject(processorRaw)) {
    return fail(
      context,
      `${path}/ItemProcessor`,
      'A Map state needs an ItemProcessor',
      'Add { "StartAt": ..., "States": ... }.',
    );
  }
  const processorPath = `${path}/${processorKey}`;
  const config = isObject(processorRaw.ProcessorConfig) ? processorRaw.ProcessorConfig : {};
  if (processorRaw.ProcessorConfig !== undefined) {
    allowOnly(context, config, `${processorPath}/ProcessorConfig`, ['Mode', 'ExecutionType']);
  }
  const mode = config.Mode ?? 'INLINE';
  if (mode !== 'INLINE' && mode !== 'DISTRIBUTED') {
    fail(
      context,
      `${processorPath}/ProcessorConfig/Mode`,
      `Mode ${JSON.stringify(mode)} is unknown`,
      'Use INLINE or DISTRIBUTED.',
    );
  }
  const executionType = config.ExecutionType;
  if (mode === 'DISTRIBUTED' && executionType === undefined) {
    // Distributed Map page: "You must provide this field if you specified DISTRIBUTED for the Mode sub-field."
    fail(
      context,
      `${processorPath}/ProcessorConfig`,
      'A DISTRIBUTED ItemProcessor needs an ExecutionType',
      'Add "ExecutionType": "STANDARD" or "EXPRESS" to ProcessorConfig.',
    );
  }
  if (executionType !== undefined && executionType !== 'STANDARD' && executionType !== 'EXPRESS') {
    fail(
      context,
      `${processorPath}/ProcessorConfig/ExecutionType`,
      `ExecutionType ${JSON.stringify(executionType)} is unknown`,
      'Use STANDARD or EXPRESS.',
    );
  }
  const processor = context.graph(processorRaw, processorPath, language);
  const next = transition(context, raw, path);
  const retry = retriers(context, raw.Retry, `${path}/Retry`);
  const catches = catchers(context, raw.Catch, `${path}/Catch`, language);
  const jsonPath = language === 'JSONPath';
  const maxConcurrency =
    (jsonPath ? pathVariant<number>(context, raw, 'MaxConcurrency', path) : undefined) ??
    (raw.MaxConcurrency === undefined
      ? ({ kind: 'literal', value: 0 } as const)
      : dynamicNumber(context, raw.MaxConcurrency, `${path}/MaxConcurrency`, { min: 0, integer: true }));
  const toleratedFailureCount =
    (jsonPath ? pathVariant<number>(context, raw, 'ToleratedFailureCount', path) : undefined) ??
    dynamicNumberField(context, raw, 'ToleratedFailureCount', path, { min: 0, integer: true });
  const toleratedFailurePercentage =
    (jsonPath ? pathVariant<number>(context, raw, 'ToleratedFailurePercentage', path) : undefined) ??
    dynamicNumberField(context, raw, 'ToleratedFailurePercentage', path, { min: 0, max: 100 });
  const itemReader =
    raw.ItemReader === undefined
      ? undefined
      : parseItemReader(context, raw.ItemReader, `${path}/ItemReader`, jsonPath);
  const itemBatcher =
    raw.ItemBatcher === undefined
      ? undefined
      : parseItemBatcher(context, raw.ItemBatcher, `${path}/ItemBatcher`, jsonPath);
  if (jsonPath && raw.ItemSelector !== undefined && raw.Parameters !== undefined) {
    fail(context, path, 'A Map state cannot have both ItemSelector and Parameters', 'Keep ItemSelector.');
  }
  const itemsPath = jsonPath ? pathField(context, raw, 'ItemsPath', path) : undefined;
  const itemSelectorPayload = jsonPath
    ? payloadField(
        context,
        raw.ItemSelector ?? raw.Parameters,
        `${path}/${raw.ItemSelector !== undefined ? 'ItemSelector' : 'Parameters'}`,
      )
    : undefined;
  checkLabel(context, raw.Label, `${path}/Label`);
  checkResultWriter(context, raw.ResultWriter, `${path}/ResultWriter`);
  if (!processor || !next || !maxConcurrency) return undefined;
  return {
    ...common,
    type: 'Map',
    transition: next,
    processor,
    mode: mode === 'DISTRIBUTED' ? 'DISTRIBUTED' : 'INLINE',
    ...(executionType === 'STANDARD' || executionType === 'EXPRESS' ? { executionType } : {}),
    retry,
    catch: catches,
    maxConcurrency,
    ...(toleratedFailureCount ? { toleratedFailureCount } : {}),
    ...(toleratedFailurePercentage ? { toleratedFailurePercentage } : {}),
    ...(itemReader ? { itemReader } : {}),
    ...(itemBatcher ? { itemBatcher } : {}),
    ...(typeof raw.Label === 'string' ? { label: raw.Label } : {}),
    ...(itemsPath ? { itemsPath } : {}),
    ...(itemSelectorPayload ? { itemSelectorPayload } : {}),
    ...(jsonPath ? {} : templateField(context, raw, 'Items', path)),
    ...(jsonPath ? {} : templateField(context, raw, 'ItemSelector', path)),
  };
}

/** Characters a Label may not hold (Distributed Map page): whitespace, wildcards, brackets, specials, controls. */
const LABEL_FORBIDDEN = /[\s?*<>{}[\]:;,\\|^~$#%&`"\p{Cc}]/u;

/** "Labels can't exceed 40 characters in length", nor hold the characters above. */
function checkLabel(reporter: Reporter, label: unknown, path: string): void {
  if (label === undefined) return;
  if (typeof label !== 'string') {
    fail(reporter, path, 'Label must be a string', 'Write "Label": "name".');
  } else if (label.length > 40) {
    fail(
      reporter,
      path,
      `The Label is ${label.length} characters long; at most 40 are allowed`,
      'Shorten the Label.',
    );
  } else if (LABEL_FORBIDDEN.test(label)) {
    const bad = LABEL_FORBIDDEN.exec(label)?.[0] ?? '';
    fail(
      reporter,
      path,
      `The Label contains ${JSON.stringify(bad)}, which a Label may not hold`,
      'Use letters, digits, "-", "_", "." and "/" (no whitespace, wildcards, brackets or : ; , \\ | ^ ~ $ # % & ` ").',
    );
  }
}

/** Labels "must be unique within a state machine definition" (Distributed Map page). */
export function checkLabelsUnique(reporter: Reporter, raw: Raw): void {
  const seen = new Map<string, string>();
  const walk = (graph: unknown, path: string): void => {
    if (!isObject(graph) || !isObject(graph.States)) return;
    for (const [name, state] of Object.entries(graph.States)) {
      if (!isObject(state)) continue;
      const at = `${path}/States/${name}`;
      if (typeof state.Label === 'string') {
        const first = seen.get(state.Label);
        if (first === undefined) seen.set(state.Label, at);
        else {
          fail(
            reporter,
            `${at}/Label`,
            `The Label '${state.Label}' is already the Label of ${first}`,
            'Give each Map state its own Label.',
          );
        }
      }
      walk(
        state.ItemProcessor ?? state.Iterator,
        `${at}/${state.ItemProcessor ? 'ItemProcessor' : 'Iterator'}`,
      );
      if (Array.isArray(state.Branches)) {
        for (const [i, branch] of state.Branches.entries()) walk(branch, `${at}/Branches/${i}`);
      }
    }
  };
  walk(raw, '');
}

/** The States Language: "The ResultWriter Configuration MUST have a Resource field". */
function checkResultWriter(reporter: Reporter, writer: unknown, path: string): void {
  if (writer === undefined) return;
  if (!isObject(writer)) {
    fail(
      reporter,
      path,
      'ResultWriter must be an object',
      'Write { "Resource": "arn:aws:states:::s3:putObject", ... }.',
    );
    return;
  }
  if (writer.Resource === undefined) {
    fail(
      reporter,
      `${path}/Resource`,
      'ResultWriter needs a Resource',
      'Add "Resource": "arn:aws:states:::s3:putObject".',
    );
  } else {
    resource(reporter, writer.Resource, `${path}/Resource`);
  }
}

function parseItemReader(
  reporter: Reporter,
  raw: unknown,
  path: string,
  jsonPath: boolean,
): ItemReader | undefined {
  if (!isObject(raw))
    return fail(
      reporter,
      path,
      'ItemReader must be an object',
      'Write { "Resource": ..., "Arguments": ... }.',
    );
  allowOnly(reporter, raw, path, ['Resource', jsonPath ? 'Parameters' : 'Arguments', 'ReaderConfig']);
  const readerResource = resource(reporter, raw.Resource, `${path}/Resource`);
  const config = isObject(raw.ReaderConfig) ? raw.ReaderConfig : undefined;
  if (config) {
    allowOnly(reporter, config, `${path}/ReaderConfig`, [
      'InputType',
      'CSVHeaderLocation',
      'CSVHeaders',
      'MaxItems',
      ...(jsonPath ? ['MaxItemsPath'] : []),
      'CSVDelimiter',
      'ManifestType',
    ]);
  }
  const maxItems = config
    ? ((jsonPath ? pathVariant<number>(reporter, config, 'MaxItems', `${path}/ReaderConfig`) : undefined) ??
      dynamicNumberField(reporter, config, 'MaxItems', `${path}/ReaderConfig`, { min: 0, integer: true }))
    : undefined;
  const parameters = jsonPath ? payloadField(reporter, raw.Parameters, `${path}/Parameters`) : undefined;
  if (!readerResource) return undefined;
  return {
    resource: readerResource,
    ...(parameters ? { parameters } : {}),
    ...(jsonPath ? {} : templateField(reporter, raw, 'Arguments', path)),
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

function parseItemBatcher(
  reporter: Reporter,
  raw: unknown,
  path: string,
  jsonPath: boolean,
): ItemBatcher | undefined {
  if (!isObject(raw))
    return fail(reporter, path, 'ItemBatcher must be an object', 'Write { "MaxItemsPerBatch": n }.');
  const paths = jsonPath ? ['MaxItemsPerBatchPath', 'MaxInputBytesPerBatchPath'] : [];
  allowOnly(reporter, raw, path, ['MaxItemsPerBatch', 'MaxInputBytesPerBatch', 'BatchInput', ...paths]);
  if ([...paths, 'MaxItemsPerBatch', 'MaxInputBytesPerBatch'].every((key) => raw[key] === undefined)) {
    return fail(
      reporter,
      path,
      'ItemBatcher needs MaxItemsPerBatch or MaxInputBytesPerBatch',
      'Add "MaxItemsPerBatch": n.',
    );
  }
  const variant = (key: string) => (jsonPath ? pathVariant<number>(reporter, raw, key, path) : undefined);
  const maxItemsPerBatch =
    variant('MaxItemsPerBatch') ??
    dynamicNumberField(reporter, raw, 'MaxItemsPerBatch', path, { min: 1, integer: true });
  const maxInputBytesPerBatch =
    variant('MaxInputBytesPerBatch') ??
    dynamicNumberField(reporter, raw, 'MaxInputBytesPerBatch', path, {
      min: 1,
      max: 256 * 1024,
      integer: true,
    });
  const batchInputPayload = jsonPath
    ? payloadField(reporter, raw.BatchInput, `${path}/BatchInput`)
    : undefined;
  return {
    ...(maxItemsPerBatch ? { maxItemsPerBatch } : {}),
    ...(maxInputBytesPerBatch ? { maxInputBytesPerBatch } : {}),
    ...(batchInputPayload ? { batchInputPayload } : {}),
    ...(jsonPath ? {} : templateField(reporter, raw, 'BatchInput', path)),
  };
}
