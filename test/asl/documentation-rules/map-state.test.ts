/**
 * Rules of the Map state, inline and distributed, run on the engine on a virtual clock and checked
 * against parseDefinition (`wf validate`), for JSONPath states unless a test says JSONata. Sources:
 * - the States Language specification, section "Map State" (https://states-language.net/spec.html),
 *   whose English text the search index holds ("the specification" below);
 * - the Developer Guide page "Map" in its English Markdown source in the archived
 *   awsdocs/aws-step-functions-developer-guide repository (doc_source/amazon-states-language-map-state.md,
 *   the Iterator-era page; "the Map page");
 * - the Developer Guide page "Using Map state in Distributed mode"
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html), from an
 *   English copy of the current page found in the search index ("the Distributed page");
 * - the Developer Guide page "ItemBatcher (Map)" from its English Markdown
 *   (docs.amazonaws.cn/en_us/step-functions/latest/dg/input-output-itembatcher.md; "the ItemBatcher page").
 * Where a recorded AWS execution (conformance corpus) disagrees with a page, the recording wins and
 * the test names it.
 */
import { describe, expect, it } from 'vitest';
import type { TaskHandler } from '../../../asl/index.ts';
import { run, testEnv, types } from '../runtime/helpers.ts';
import { machine, runStates, task } from './jsonpath.ts';
import { problems } from './problems.ts';

const pass = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
const distributed = (processor: Record<string, unknown> = pass) => ({
  ...processor,
  ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
});

/** A Map state (JSONPath) with `fields`, ending the machine. */
const map = (fields: Record<string, unknown>) => ({ Type: 'Map', ItemProcessor: pass, End: true, ...fields });

/** Fails an item whose value is in `failing`; echoes the others. */
const failItems =
  (...failing: unknown[]): TaskHandler =>
  async (r) => {
    const item = (r.arguments as { item: unknown }).item;
    return failing.includes(item)
      ? { ok: false, failure: { error: 'Item.Failed', cause: String(item) } }
      : { ok: true, output: item };
  };
const itemTask = { StartAt: 'T', States: { T: task({ Parameters: { 'item.$': '$' } }) } };

async function timed(states: Record<string, unknown>, input: unknown, handler?: TaskHandler) {
  const { env, clock, calls } = handler ? testEnv(handler) : testEnv();
  const start = clock.now();
  const result = await run(env, JSON.stringify(machine(states)), input);
  return { result, seconds: (clock.now() - start) / 1000, calls };
}

const shipment = {
  'ship-date': '2016-03-14T01:59:00Z',
  detail: {
    'delivery-partner': 'UQS',
    shipped: [
      { prod: 'R31', 'dest-code': 9511, quantity: 1344 },
      { prod: 'S39', 'dest-code': 9511, quantity: 40 },
    ],
  },
};

describe('Map: items and iteration input', () => {
  // Specification (JSONPath Map State example, "InputPath": "$.detail", "ItemsPath": "$.shipped",
  // "ResultPath": "$.detail.shipped"): "the ResultPath results in the output being the same as the
  // input, with the "detail.shipped" field being overwritten by an array in which each element is
  // the output of the "ship-val" Lambda function as applied to the corresponding input element."
  it('runs once per ItemsPath element and writes the array at ResultPath (the "Validate-All" example)', async () => {
    const validate = {
      StartAt: 'Validate',
      States: { Validate: task({ Parameters: { 'prod.$': '$.prod' } }) },
    };
    const result = await runStates(
      {
        'Validate-All': map({
          InputPath: '$.detail',
          ItemsPath: '$.shipped',
          MaxConcurrency: 0,
          ItemProcessor: validate,
          ResultPath: '$.detail.shipped',
        }),
      },
      shipment,
    );
    // ResultPath inserts the result into the raw input, before InputPath.
    expect(result.output).toEqual({
      ...shipment,
      detail: { ...shipment.detail, shipped: [{ prod: 'R31' }, { prod: 'S39' }] },
    });
  });

  // Specification: 'the raw input to one iteration, as specified by "ItemSelector", will be:
  // { "parcel": { "prod": "R31", ... }, "courier": "UQS" }'. The Map page shows the same with the
  // deprecated "Parameters" and "parcel.$": "$$.Map.Item.Value".
  for (const field of ['ItemSelector', 'Parameters']) {
    it(`builds each iteration input with ${field} from $$.Map.Item.Value and the state input`, async () => {
      const result = await runStates(
        {
          'Validate-All': map({
            InputPath: '$.detail',
            ItemsPath: '$.shipped',
            [field]: { 'parcel.$': '$$.Map.Item.Value', 'courier.$': '$.delivery-partner' },
          }),
        },
        shipment,
      );
      expect((result.output as unknown[])[0]).toEqual({
        parcel: { prod: 'R31', 'dest-code': 9511, quantity: 1344 },
        courier: 'UQS',
      });
    });
  }

  // Specification: 'For each item, within the Map State's "ItemSelector" ... field, the Context
  // Object will have an object field named "Map" which contains an object field named "Item" which
  // in turn contains an integer field named "Index" whose value is the (zero-based) array index'.
  it('gives ItemSelector the zero-based $$.Map.Item.Index', async () => {
    const result = await runStates({ M: map({ ItemSelector: { 'i.$': '$$.Map.Item.Index' } }) }, ['a', 'b']);
    expect(result.output).toEqual([{ i: 0 }, { i: 1 }]);
  });

  // Map page: 'If not specified, the value of ItemsPath is "$", and the Iterator section expects
  // that the array is the only input.'
  it('iterates over the whole input without ItemsPath ("the value of ItemsPath is "$"")', async () => {
    const result = await runStates({ M: map({}) }, [1, 2, 3]);
    expect(result.output).toEqual([1, 2, 3]);
  });

  // Map page: "When complete, the output of the Map state is a JSON array, where each item is the
  // output of an iteration." Specification: "an array containing one element for each element of the
  // Items Array, in the same order".
  it('outputs the iteration outputs in item order, whatever order they finish in', async () => {
    const wait = { StartAt: 'W', States: { W: { Type: 'Wait', SecondsPath: '$', End: true } } };
    const result = await runStates({ M: map({ ItemProcessor: wait }) }, [3, 1, 2]);
    expect(result.output).toEqual([3, 1, 2]);
  });

  // Specification: 'If a Map State has neither an "InputPath" nor an "ItemReader" nor an "ItemsPath"
  // field, the items array will be the raw input, which MUST be a JSON array.' Recorded:
  // scenarios.test_base_scenarios.test_map_state_items_input_types.object (JSONata) — an object
  // input fails with States.QueryEvaluationError, "Map state input must be an array but was:
  // {"foo":"bar"}".
  it('fails a Map whose input is not an array (recorded: test_map_state_items_input_types.object)', async () => {
    const { env } = testEnv();
    const result = await run(
      env,
      JSON.stringify({
        QueryLanguage: 'JSONata',
        StartAt: 'MapIterateState',
        States: { MapIterateState: map({ ItemProcessor: { ...pass, ProcessorConfig: { Mode: 'INLINE' } } }) },
      }),
      { foo: 'bar' },
    );
    expect(result.error).toBe('States.QueryEvaluationError');
    expect(result.cause).toContain('Map state input must be an array but was: {"foo":"bar"}');
  });
});

describe('Map: ItemProcessor and ProcessorConfig', () => {
  // Specification: 'A Map State MUST contain an object field named "ItemProcessor" (or deprecated
  // "Iterator") which MUST contain fields named "States" and "StartAt"'.
  it('refuses a Map state without ItemProcessor or Iterator', () => {
    expect(problems(machine({ M: map({ ItemProcessor: undefined }) })).join('\n')).toContain(
      'A Map state needs an ItemProcessor',
    );
  });

  it('runs the deprecated Iterator like ItemProcessor ("performs the same function as the "Iterator" field")', async () => {
    const result = await runStates({ M: map({ ItemProcessor: undefined, Iterator: pass }) }, [1, 2]);
    expect(result.output).toEqual([1, 2]);
  });

  it('refuses an ItemProcessor without StartAt ("MUST contain fields named "States" and "StartAt"")', () => {
    expect(problems(machine({ M: map({ ItemProcessor: { States: pass.States } }) })).join('\n')).toContain(
      '/States/M/ItemProcessor',
    );
  });

  // Specification: 'A state in the "States" field of an "ItemProcessor" field MUST NOT have a "Next"
  // field that targets a field outside of that "States" field.'
  it('refuses a Next that leaves the ItemProcessor', () => {
    const processor = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Out' } } };
    expect(
      problems(
        machine({
          M: map({ ItemProcessor: processor, End: undefined, Next: 'Out' }),
          Out: { Type: 'Pass', End: true },
        }),
      ).join('\n'),
    ).toContain('/States/M/ItemProcessor/States/A');
  });

  // Recorded: scenarios.test_base_scenarios.test_map_state_no_processor_config — without
  // ProcessorConfig the Map runs inline: MapIterationStarted/Succeeded events in the execution's own
  // history.
  it('runs inline without ProcessorConfig (recorded: test_map_state_no_processor_config)', async () => {
    const result = await runStates({ M: map({ MaxConcurrency: 1 }) }, [1, 2, 3]);
    expect(types(result).filter((t) => t === 'MapIterationStarted')).toHaveLength(3);
  });

  // Distributed page: "Mode ... DISTRIBUTED to use the Map state in Distributed mode." "Each child
  // workflow execution has its own execution history, separate from the parent workflow's". Recorded:
  // scenarios.test_base_scenarios.test_map_state_label — MapStateStarted, MapRunStarted,
  // MapRunSucceeded, MapStateSucceeded, and no iteration events.
  it('records a Map Run and no iteration events in Distributed mode (recorded: test_map_state_label)', async () => {
    const result = await runStates({ MapState: map({ ItemProcessor: distributed(), Label: 'TestMap' }) }, [
      'Hello',
      'World',
    ]);
    expect(result.output).toEqual(['Hello', 'World']);
    expect(types(result)).toEqual([
      'ExecutionStarted',
      'MapStateEntered',
      'MapStateStarted',
      'MapRunStarted',
      'MapRunSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
      'ExecutionSucceeded',
    ]);
  });

  // Distributed page: "For each Map Run, Step Functions adds the label to the Map Run ARN." Its
  // example: "arn:aws:states:region:account-id:mapRun:demoWorkflow/demoLabel:3c39a231-...".
  it('puts the Label in the Map Run ARN ("adds the label to the Map Run ARN")', async () => {
    const result = await runStates(
      { MapState: map({ ItemProcessor: distributed(), Label: 'demoLabel' }) },
      [1],
    );
    const started = result.events.find((e) => e.type === 'MapRunStarted') as
      | { mapRunStartedEventDetails?: { mapRunArn?: string } }
      | undefined;
    expect(started?.mapRunStartedEventDetails?.mapRunArn).toMatch(/:mapRun:[^/]+\/demoLabel:[^:]+$/);
  });

  it('refuses a Mode other than INLINE or DISTRIBUTED', () => {
    expect(
      problems(machine({ M: map({ ItemProcessor: { ...pass, ProcessorConfig: { Mode: 'PARALLEL' } } }) })),
    ).toEqual([expect.stringContaining('/States/M/ItemProcessor/ProcessorConfig/Mode')]);
  });

  // Distributed page: "ExecutionType – Specifies the execution type for the Map workflow as either
  // STANDARD or EXPRESS."
  it('refuses an ExecutionType other than STANDARD or EXPRESS', () => {
    const processor = { ...pass, ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'SYNC' } };
    expect(problems(machine({ M: map({ ItemProcessor: processor }) }))).toEqual([
      expect.stringContaining('/States/M/ItemProcessor/ProcessorConfig/ExecutionType'),
    ]);
  });
});

describe('Map: MaxConcurrency', () => {
  const wait = { StartAt: 'W', States: { W: { Type: 'Wait', SecondsPath: '$', End: true } } };

  // Specification: "A MaxConcurrency value of 1 is special, having the effect that interpreter will
  // invoke the ItemProcessor once for each array element in the order of their appearance in the
  // input, and will not start an iteration until the previous iteration has completed execution."
  it('runs one iteration at a time, in input order, with MaxConcurrency 1', async () => {
    const { seconds } = await timed({ M: map({ ItemProcessor: wait, MaxConcurrency: 1 }) }, [3, 1, 2]);
    expect(seconds).toBe(3 + 1 + 2);
  });

  // Specification: "Its default value is zero, which places no limit on invocation parallelism and
  // requests the interpreter to execute the iterations as concurrently as possible."
  it('runs the iterations at once by default ("places no limit on invocation parallelism")', async () => {
    const { seconds } = await timed({ M: map({ ItemProcessor: wait }) }, [3, 1, 2]);
    expect(seconds).toBe(3);
  });

  // Specification: 'If "MaxConcurrency" has a non-zero value, the interpreter will not allow the
  // number of concurrent iterations to exceed that value.'
  it('runs at most MaxConcurrency iterations at once', async () => {
    const { seconds } = await timed({ M: map({ ItemProcessor: wait, MaxConcurrency: 2 }) }, [2, 2, 2, 2]);
    expect(seconds).toBe(4);
  });

  // Specification: 'A Map State MAY have a non-negative integer "MaxConcurrency" field.' 'A Map State
  // MUST NOT include both "MaxConcurrency" and "MaxConcurrencyPath".'
  it('refuses a negative MaxConcurrency ("a non-negative integer")', () => {
    expect(problems(machine({ M: map({ MaxConcurrency: -1 }) }))).toEqual([
      expect.stringContaining('/States/M/MaxConcurrency'),
    ]);
  });

  it('refuses MaxConcurrency together with MaxConcurrencyPath', () => {
    expect(problems(machine({ M: map({ MaxConcurrency: 1, MaxConcurrencyPath: '$.n' }) }))).not.toEqual([]);
  });

  it('reads MaxConcurrencyPath from the input', async () => {
    const { seconds } = await timed(
      { M: map({ ItemsPath: '$.items', ItemProcessor: wait, MaxConcurrencyPath: '$.n' }) },
      { items: [1, 1, 1], n: 1 },
    );
    expect(seconds).toBe(3);
  });
});

describe('Map: failures and tolerated failures', () => {
  // Specification: "If any iteration fails, due to an unhandled error or by transitioning to a Fail
  // state, the entire Map State is considered to have failed and all the iterations are terminated."
  it('fails with the iteration error when an iteration fails', async () => {
    const { result } = await timed({ M: map({ ItemProcessor: itemTask }) }, [1, 2, 3], failItems(2));
    expect([result.status, result.error, result.cause]).toEqual(['FAILED', 'Item.Failed', '2']);
  });

  it('stops the other iterations ("all the iterations are terminated")', async () => {
    const processor = {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 0, Next: 'F' }], Default: 'W' },
        F: { Type: 'Fail', Error: 'Boom' },
        W: { Type: 'Wait', Seconds: 1000, End: true },
      },
    };
    const { result, seconds } = await timed({ M: map({ ItemProcessor: processor }) }, [1, 0]);
    expect(result.error).toBe('Boom');
    expect(seconds).toBeLessThan(1000);
  });

  // Specification: "Unlike a Fail State, a Succeed State within a Map merely terminates its own
  // iteration."
  it('ends only its own iteration at a Succeed state', async () => {
    const processor = { StartAt: 'S', States: { S: { Type: 'Succeed' } } };
    const result = await runStates({ M: map({ ItemProcessor: processor }) }, [1, 2]);
    expect(result.output).toEqual([1, 2]);
  });

  // Distributed page: "Step Functions returns a States.ExceedToleratedFailureThreshold error when the
  // Map Run fails because the specified threshold is exceeded." "ToleratedFailureCount ... The Map
  // Run automatically fails if it exceeds this number."
  it('fails with States.ExceedToleratedFailureThreshold past ToleratedFailureCount', async () => {
    const { result } = await timed(
      { M: map({ ItemProcessor: distributed(itemTask), ToleratedFailureCount: 1 }) },
      [1, 2, 3],
      failItems(1, 2),
    );
    expect([result.status, result.error]).toEqual(['FAILED', 'States.ExceedToleratedFailureThreshold']);
  });

  it('succeeds with as many failures as ToleratedFailureCount ("fails if it exceeds this number")', async () => {
    const { result } = await timed(
      { M: map({ ItemProcessor: distributed(itemTask), ToleratedFailureCount: 1 }) },
      [1, 2, 3],
      failItems(2),
    );
    expect(result.status).toBe('SUCCEEDED');
  });

  // Distributed page: "The default percentage value is zero, which means that the workflow fails if
  // any one of its child workflow executions fails or times out. If you specify the percentage as
  // 100, the workflow won't fail even if all child workflow executions fail."
  it('does not fail with ToleratedFailurePercentage 100 when every item fails ("won\'t fail even if all ... fail")', async () => {
    const { result } = await timed(
      { M: map({ ItemProcessor: distributed(itemTask), ToleratedFailurePercentage: 100 }) },
      [1, 2],
      failItems(1, 2),
    );
    expect(result.status).toBe('SUCCEEDED');
  });

  // "Step Functions calculates the percentage of failed items as the result of the total number of
  // failed or timed out items divided by the total number of items."
  it('fails when the failed share exceeds ToleratedFailurePercentage (2 of 4 over 25%)', async () => {
    const { result } = await timed(
      { M: map({ ItemProcessor: distributed(itemTask), ToleratedFailurePercentage: 25 }) },
      [1, 2, 3, 4],
      failItems(1, 2),
    );
    expect(result.error).toBe('States.ExceedToleratedFailureThreshold');
  });

  it('succeeds when the failed share equals ToleratedFailurePercentage (1 of 4 at 25%)', async () => {
    const { result } = await timed(
      { M: map({ ItemProcessor: distributed(itemTask), ToleratedFailurePercentage: 25 }) },
      [1, 2, 3, 4],
      failItems(1),
    );
    expect(result.status).toBe('SUCCEEDED');
  });

  // "You must specify a value between zero and 100."
  it('refuses ToleratedFailurePercentage 100.1 ("a value between zero and 100")', () => {
    expect(problems(machine({ M: map({ ToleratedFailurePercentage: 100.1 }) }))).toEqual([
      expect.stringContaining('/States/M/ToleratedFailurePercentage'),
    ]);
  });

  it('refuses a negative ToleratedFailureCount (specification: "a non-negative integer")', () => {
    expect(problems(machine({ M: map({ ToleratedFailureCount: -1 }) }))).toEqual([
      expect.stringContaining('/States/M/ToleratedFailureCount'),
    ]);
  });

  // "You can specify either ToleratedFailureCount or ToleratedFailureCountPath, but not both".
  it('refuses ToleratedFailureCount together with ToleratedFailureCountPath', () => {
    expect(
      problems(machine({ M: map({ ToleratedFailureCount: 1, ToleratedFailureCountPath: '$.n' }) })),
    ).not.toEqual([]);
  });

  // Recorded: scenarios.test_base_scenarios.test_map_state_tolerated_failure_percentage_path.100.1 —
  // "ToleratedFailurePercentage must be between 0 and 100." (States.Runtime);
  // ..._count_path.-1 — "ToleratedFailureCount cannot be negative."; ..._count_path.NoNumber —
  // 'The ToleratedFailureCountPath field refers to value "NoNumber" which is not a valid integer:
  // $.ToleratedFailureCount'.
  for (const [field, value, cause] of [
    ['ToleratedFailurePercentage', 100.1, 'ToleratedFailurePercentage must be between 0 and 100.'],
    ['ToleratedFailureCount', -1, 'ToleratedFailureCount cannot be negative.'],
    [
      'ToleratedFailureCount',
      'NoNumber',
      'The ToleratedFailureCountPath field refers to value "NoNumber" which is not a valid integer: $.ToleratedFailureCount',
    ],
  ] as const) {
    it(`fails ${field}Path selecting ${JSON.stringify(value)} with States.Runtime (recorded)`, async () => {
      const { result } = await timed(
        {
          MapState: map({
            ItemsPath: '$.Items',
            MaxConcurrency: 1,
            ItemProcessor: distributed(),
            [`${field}Path`]: `$.${field}`,
          }),
        },
        { Items: [0], [field]: value },
      );
      expect(result.error).toBe('States.Runtime');
      expect(result.cause).toContain(cause);
    });
  }
});

describe('Map: ItemBatcher', () => {
  // ItemBatcher page: "If you use batching, Step Functions adds the items to an Items array. It then
  // passes the array as input to each child workflow execution." Specification: "The interpreter
  // will limit each sub-array to the maximum number of items specified by the "MaxItemsPerBatch"
  // field". Recorded:
  // assign.test_assign_reference_variables.test_reference_in_map_state_max_items_path.MAP_STATE_REFERENCE_IN_MAX_PER_BATCH_PATH
  // — four items, two per batch: [{"Items": [a, b]}, {"Items": [c, d]}].
  it('passes each batch as { "Items": [...] }, at most MaxItemsPerBatch items, one result per batch', async () => {
    const result = await runStates(
      { M: map({ ItemProcessor: distributed(), ItemBatcher: { MaxItemsPerBatch: 2 } }) },
      [1, 2, 3, 4, 5],
    );
    expect(result.output).toEqual([{ Items: [1, 2] }, { Items: [3, 4] }, { Items: [5] }]);
  });

  // Specification: 'The interpreter will limit each sub-array ... to the maximum size in bytes
  // specified by the "MaxInputBytesPerBatch" field.'
  it('limits each batch to MaxInputBytesPerBatch bytes', async () => {
    const item = 'x'.repeat(100);
    const result = await runStates(
      { M: map({ ItemProcessor: distributed(), ItemBatcher: { MaxInputBytesPerBatch: 250 } }) },
      [item, item, item],
    );
    const batches = result.output as { Items: unknown[] }[];
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) expect(JSON.stringify(batch).length).toBeLessThanOrEqual(250);
  });

  // Specification: 'An ItemBatcher Configuration MUST contain at least one of "MaxItemsPerBatch",
  // "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", or "MaxInputBytesPerBatchPath".'
  it('refuses an ItemBatcher with no limit ("MUST contain at least one of")', () => {
    expect(problems(machine({ M: map({ ItemBatcher: { BatchInput: {} } }) }))).toEqual([
      expect.stringContaining('ItemBatcher needs MaxItemsPerBatch or MaxInputBytesPerBatch'),
    ]);
  });

  // Specification: 'An ItemBatcher Configuration MAY have a "MaxItemsPerBatch" field, whose value MUST
  // be a positive integer.'
  it('refuses MaxItemsPerBatch 0 ("MUST be a positive integer")', () => {
    expect(problems(machine({ M: map({ ItemBatcher: { MaxItemsPerBatch: 0 } }) }))).toEqual([
      expect.stringContaining('/States/M/ItemBatcher/MaxItemsPerBatch'),
    ]);
  });

  // Specification: 'A Map State MUST NOT include both "MaxItemsPerBatch" and "MaxItemsPerBatchPath"'.
  it('refuses MaxItemsPerBatch together with MaxItemsPerBatchPath', () => {
    expect(
      problems(machine({ M: map({ ItemBatcher: { MaxItemsPerBatch: 1, MaxItemsPerBatchPath: '$.n' } }) })),
    ).not.toEqual([]);
  });
});

describe('Map: ItemReader and ResultWriter', () => {
  const reader = (config: Record<string, unknown>) => ({
    Resource: 'arn:aws:states:::s3:getObject',
    ReaderConfig: { InputType: 'JSON', ...config },
    Parameters: { Bucket: 'b', Key: 'k' },
  });

  // Specification: 'The ItemReader Configuration MUST have a "Resource" field'.
  it('refuses an ItemReader without Resource', () => {
    expect(
      problems(machine({ M: map({ ItemProcessor: distributed(), ItemReader: { ReaderConfig: {} } }) })).join(
        '\n',
      ),
    ).toContain('/States/M/ItemReader/Resource');
  });

  it('accepts an ItemReader with ReaderConfig MaxItems', () => {
    expect(
      problems(machine({ M: map({ ItemProcessor: distributed(), ItemReader: reader({ MaxItems: 2 }) }) })),
    ).toEqual([]);
  });

  // Specification: 'A "ReaderConfig" field MUST NOT include both "MaxItems" and "MaxItemsPath".'
  it('refuses MaxItems together with MaxItemsPath', () => {
    expect(
      problems(
        machine({
          M: map({ ItemProcessor: distributed(), ItemReader: reader({ MaxItems: 2, MaxItemsPath: '$.n' }) }),
        }),
      ),
    ).not.toEqual([]);
  });

  // Specification: '"ReaderConfig" field ... MAY have a "MaxItems" field which MUST be a positive
  // integer.' Recorded: scenarios.test_base_scenarios.test_map_item_reader_csv_max_items.0 — AWS
  // accepted "MaxItems": 0 and read every row (no limit). The recording wins.
  it('accepts ReaderConfig MaxItems 0 (recorded: test_map_item_reader_csv_max_items.0; the specification says positive)', () => {
    expect(
      problems(machine({ M: map({ ItemProcessor: distributed(), ItemReader: reader({ MaxItems: 0 }) }) })),
    ).toEqual([]);
  });
});

describe('Map: Label', () => {
  // Distributed page: "Labels can't exceed 40 characters in length, must be unique within a state
  // machine definition, and can't contain any of the following characters: Whitespace, Wildcard
  // characters (? *), Bracket characters (< > { } [ ]), Special characters (: ; , \ | ^ ~ $ # % & ` "),
  // Control characters".
  it('accepts a 40-character label', () => {
    expect(problems(machine({ M: map({ ItemProcessor: distributed(), Label: 'L'.repeat(40) }) }))).toEqual(
      [],
    );
  });
});

describe('Map: batch input, thresholds, labels, ExecutionType, ResultWriter', () => {
  // Recorded:
  // scenarios.test_base_scenarios.test_map_item_batching_base_json_max_per_batch_jsonata — with
  // "BatchInput": {"BatchTimestamp": ...} each batch is {"BatchInput": {"BatchTimestamp": ...},
  // "Items": [...]}: BatchInput is a field of its own, not merged. The recording wins.
  it('adds BatchInput as a field of its own next to Items (recorded: test_map_item_batching_base_json_max_per_batch_jsonata)', async () => {
    const result = await runStates(
      {
        M: map({
          ItemProcessor: distributed(),
          ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { factCheck: 'TRUE', 'from.$': '$[0]' } },
        }),
      },
      ['a', 'b'],
    );
    expect(result.output).toEqual([{ BatchInput: { factCheck: 'TRUE', from: 'a' }, Items: ['a', 'b'] }]);
  });

  // Specification: 'The ResultWriter Configuration MUST have a "Resource" field'.
  it('refuses a ResultWriter without Resource', () => {
    expect(
      problems(
        machine({ M: map({ ItemProcessor: distributed(), ResultWriter: { Parameters: { Bucket: 'b' } } }) }),
      ),
    ).not.toEqual([]);
  });

  // Distributed page: "If you specify both values, the workflow fails when it exceeds either value."
  // Specification: 'If a "ToleratedFailurePercentage" field and a "ToleratedFailureCount" field are
  // both specified, the Map State will fail if either threshold is breached.' The engine tolerates
  // the larger of the two (asl/states/map.ts toleratedFailures: Math.max), so it fails only when
  // both are exceeded.
  it('fails when either threshold is exceeded (count 0 exceeded, percentage 50 not)', async () => {
    const { result } = await timed(
      {
        M: map({
          ItemProcessor: distributed(itemTask),
          ToleratedFailureCount: 0,
          ToleratedFailurePercentage: 50,
        }),
      },
      [1, 2, 3, 4],
      failItems(1),
    );
    expect(result.error).toBe('States.ExceedToleratedFailureThreshold');
  });

  // Distributed page: "Labels can't exceed 40 characters in length". The engine takes any string.
  it('refuses a 41-character label ("can\'t exceed 40 characters in length")', () => {
    expect(problems(machine({ M: map({ ItemProcessor: distributed(), Label: 'L'.repeat(41) }) }))).toEqual([
      expect.stringContaining('/States/M/Label'),
    ]);
  });

  for (const label of [
    'my label',
    'a?b',
    'a*b',
    'a<b',
    'a{b',
    'a[b',
    'a:b',
    'a;b',
    'a,b',
    'a\\b',
    'a|b',
    'a^b',
    'a~b',
    'a$b',
    'a#b',
    'a%b',
    'a&b',
    'a`b',
    'a"b',
    'a\u0001b',
    'a\u007fb',
  ]) {
    it(`refuses the label ${JSON.stringify(label).replace('\u007f', '\\u007f')} ("can't contain any of the following characters")`, () => {
      expect(problems(machine({ M: map({ ItemProcessor: distributed(), Label: label }) }))).toEqual([
        expect.stringContaining('/States/M/Label'),
      ]);
    });
  }

  // "must be unique within a state machine definition".
  it('refuses two Map states with the same label ("must be unique within a state machine definition")', () => {
    const def = machine({
      A: map({ ItemProcessor: distributed(), Label: 'same', End: undefined, Next: 'B' }),
      B: map({ ItemProcessor: distributed(), Label: 'same' }),
    });
    expect(problems(def).join('\n')).toContain('Label');
  });

  // Distributed page: "ExecutionType – ... You must provide this field if you specified DISTRIBUTED
  // for the Mode sub-field." The engine accepts DISTRIBUTED without ExecutionType.
  it('refuses Mode DISTRIBUTED without ExecutionType ("You must provide this field")', () => {
    const processor = { ...pass, ProcessorConfig: { Mode: 'DISTRIBUTED' } };
    expect(problems(machine({ M: map({ ItemProcessor: processor }) })).join('\n')).toContain('ExecutionType');
  });
});
