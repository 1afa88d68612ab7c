/**
 * The one list of conformance cases the suite does not run, each with the reason it cannot be
 * replayed from its recording: what it needs is absent from the recorded history, the corpus
 * altered what AWS saw, or AWS has changed since the recording (a newer recording shows the
 * current behaviour). Every other case runs and must match, whatever its query language.
 */

export interface Skip {
  /** The `meta.needs` entry that the recording cannot supply. */
  readonly need: string;
  readonly reason: string;
}

const ACTIVITY: Skip = {
  need: 'activity',
  reason:
    'an activity task is answered by a worker polling GetActivityTask; the replay registry serves ' +
    'Task and Lambda calls only, and the ActivityStarted workerName comes from the test worker',
};
const STOPPED_FROM_OUTSIDE: Skip = {
  need: 'stop-execution',
  reason:
    'the test stopped the execution with StopExecution while it ran; nothing in the recording says when',
};
const NO_HISTORY_TO_REPLAY: Skip = {
  need: 'lambda',
  reason:
    'an Express execution whose history was not recorded (only the final result), so the Lambda ' +
    'answers the execution needs are nowhere in the case',
};
const ITEM_READER_DATA_NOT_RECORDED: Skip = {
  need: 'map-run',
  reason:
    'a Distributed Map whose ItemReader reads an S3 object the test uploaded; AWS does not record ' +
    'the reader call in the history, so the items are not in the case',
};
const ITEM_READER_JSONATA: Skip = {
  need: 'map-run',
  reason:
    'JSONata Distributed Map with an ItemReader (s3:getObject, ReaderConfig MaxItems 2). The parent ' +
    'history has no TaskScheduled for the reader (AWS does not record it) and the child executions ' +
    'are not recorded, so the S3 object is not in the case: only its first two items show up, in the ' +
    'output the case is meant to check. Answering the reader with the expected output would make the ' +
    'case check itself, so it is not replayed.',
};
const RESULT_WRITER: Skip = {
  need: 'map-run',
  reason:
    'a Distributed Map with a ResultWriter: the output describes the S3 objects AWS wrote, and neither ' +
    'the writer calls nor the child executions are in the recorded history',
};
const CALLS_IN_CHILD_EXECUTIONS: Skip = {
  need: 'map-run',
  reason:
    'a Distributed Map whose item processor invokes Lambda; those calls happen in child executions, ' +
    'which are not recorded, so their answers are not in the case',
};

const MAP_RUN_LINKAGE_2023: Skip = {
  need: 'map-run',
  reason:
    'recorded in September 2023, when MapStateExited followed MapRunSucceeded; AWS has since changed ' +
    'the linkage (the November 2024 recordings, JSONPath and JSONata alike, link MapStateExited to ' +
    'MapRunStarted), and the engine follows the current behaviour',
};
const STUB_TOPIC_ARN: Skip = {
  need: 'sns',
  reason:
    'the case input holds the stub "<stub:TopicArn>" where the test passed a real topic ARN, while the ' +
    'recorded history shows that ARN (as a placeholder): the input AWS received is not in the case',
};
const LAMBDA_CAUSE_TEXT: Skip = {
  need: 'lambda',
  reason:
    "the Lambda error's cause is JSON text formatted by the function's runtime (spaces after ':' and " +
    "','); the corpus stores that cause parsed, so the replay can only hand back a re-serialised text, " +
    'which differs from the recorded output that quotes the original',
};
const TOKEN_PLACEHOLDER_WRAPPED: Skip = {
  need: 'callback',
  reason:
    'the recorder replaced the task token with "<task_token:1>", and the corpus keeps the angle ' +
    'brackets and index around the placeholder, so no real token can match the recorded value',
};
const RECORDED_BEFORE_REDRIVE: Skip = {
  need: 'lambda',
  reason:
    'recorded in October 2023, before AWS added redrive (November 2023) and Execution.RedriveCount to ' +
    'the context object; every later recording of a Standard execution has it',
};
const API_GATEWAY_HEADERS: Skip = {
  need: 'apigateway',
  reason:
    'AWS validates the apigateway:invoke Parameters before the call (Headers must map names to lists ' +
    "of strings) and fails with States.Runtime; the engine's API Gateway integration does not validate " +
    'its parameters, and the replay has no recorded call to answer',
};
const STATUS_ONLY_TIMEOUT: Skip = {
  need: 'timing',
  reason:
    'the recording keeps only the TIMED_OUT status (no history, no error), while the engine reports ' +
    'the error States.Timeout with it, as an ExecutionTimedOut event carries',
};
const CONCURRENT_ITERATION_ORDER: Skip = {
  need: 'timing',
  reason:
    'the order in which AWS interleaves the events of concurrent Map iterations (all four ' +
    'MapIterationStarted before any TaskStateEntered) depends on its scheduler and real time',
};

export const SKIPS: ReadonlyMap<string, Skip> = new Map<string, Skip>([
  ['activities.test_activities.test_activity_task', ACTIVITY],
  ['activities.test_activities.test_activity_task_failure', ACTIVITY],
  ['activities.test_activities.test_activity_task_no_worker_name', ACTIVITY],
  ['activities.test_activities.test_activity_task_on_deleted', ACTIVITY],
  ['activities.test_activities.test_activity_task_start_timeout', ACTIVITY],
  ['activities.test_activities.test_activity_task_with_heartbeat', ACTIVITY],
  [
    'assign.test_assign_reference_variables.test_reference_in_map_state_max_items_path.MAP_STATE_REFERENCE_IN_MAX_ITEMS_PATH',
    ITEM_READER_DATA_NOT_RECORDED,
  ],
  [
    'assign.test_assign_reference_variables.test_reference_in_map_state_max_items_path.MAP_STATE_REFERENCE_IN_MAX_PER_BATCH_PATH',
    ITEM_READER_DATA_NOT_RECORDED,
  ],
  ['scenarios.test_base_scenarios.test_map_item_reader_base_csv_headers_decl', ITEM_READER_DATA_NOT_RECORDED],
  [
    'scenarios.test_base_scenarios.test_map_item_reader_base_csv_headers_first_line',
    ITEM_READER_DATA_NOT_RECORDED,
  ],
  ['scenarios.test_base_scenarios.test_map_item_reader_base_json', ITEM_READER_DATA_NOT_RECORDED],
  ['scenarios.test_base_scenarios.test_map_item_reader_base_json_max_items', ITEM_READER_DATA_NOT_RECORDED],
  [
    'scenarios.test_base_scenarios.test_map_item_reader_base_json_with_items_path.INVALID_ITEMS_PATH',
    ITEM_READER_DATA_NOT_RECORDED,
  ],
  [
    'scenarios.test_base_scenarios.test_map_item_reader_base_json_with_items_path.VALID_ITEMS_PATH_FROM_ITEM_READER',
    ITEM_READER_DATA_NOT_RECORDED,
  ],
  [
    'scenarios.test_base_scenarios.test_map_item_reader_base_json_with_items_path.VALID_ITEMS_PATH_FROM_PREVIOUS',
    ITEM_READER_DATA_NOT_RECORDED,
  ],
  [
    'scenarios.test_base_scenarios.test_map_item_reader_csv_first_row_extra_fields',
    ITEM_READER_DATA_NOT_RECORDED,
  ],
  [
    'scenarios.test_base_scenarios.test_map_item_reader_csv_headers_decl_duplicate_headers',
    ITEM_READER_DATA_NOT_RECORDED,
  ],
  [
    'scenarios.test_base_scenarios.test_map_item_reader_csv_headers_decl_extra_fields',
    ITEM_READER_DATA_NOT_RECORDED,
  ],
  [
    'scenarios.test_base_scenarios.test_map_item_reader_csv_headers_first_row_typed_headers',
    ITEM_READER_DATA_NOT_RECORDED,
  ],
  ['scenarios.test_base_scenarios.test_map_item_reader_csv_max_items.0', ITEM_READER_DATA_NOT_RECORDED],
  [
    'scenarios.test_base_scenarios.test_map_item_reader_csv_max_items.100000000',
    ITEM_READER_DATA_NOT_RECORDED,
  ],
  ['scenarios.test_base_scenarios.test_map_item_reader_csv_max_items.2', ITEM_READER_DATA_NOT_RECORDED],
  [
    'scenarios.test_base_scenarios.test_map_item_reader_csv_max_items_paths.-1',
    ITEM_READER_DATA_NOT_RECORDED,
  ],
  ['scenarios.test_base_scenarios.test_map_item_reader_csv_max_items_paths.0', ITEM_READER_DATA_NOT_RECORDED],
  [
    'scenarios.test_base_scenarios.test_map_item_reader_csv_max_items_paths.100000000',
    ITEM_READER_DATA_NOT_RECORDED,
  ],
  [
    'scenarios.test_base_scenarios.test_map_item_reader_csv_max_items_paths.100000001',
    ITEM_READER_DATA_NOT_RECORDED,
  ],
  ['scenarios.test_base_scenarios.test_map_item_reader_csv_max_items_paths.2', ITEM_READER_DATA_NOT_RECORDED],
  [
    'scenarios.test_base_scenarios.test_map_item_reader_json_no_json_list_object',
    ITEM_READER_DATA_NOT_RECORDED,
  ],
  ['express.test_express_async.test_catch', NO_HISTORY_TO_REPLAY],
  ['express.test_express_async.test_retry', NO_HISTORY_TO_REPLAY],
  ['express.test_express_sync.test_catch', NO_HISTORY_TO_REPLAY],
  ['express.test_express_sync.test_retry', NO_HISTORY_TO_REPLAY],
  ['local_mocking.test_base_scenarios.test_lambda_service_invoke_sync_execution', NO_HISTORY_TO_REPLAY],
  ['local_mocking.test_base_scenarios.test_map_state_lambda', CALLS_IN_CHILD_EXECUTIONS],
  [
    'scenarios.test_base_scenarios.test_map_state_config_distributed_reentrant_lambda',
    CALLS_IN_CHILD_EXECUTIONS,
  ],
  [
    'scenarios.test_base_scenarios.test_map_state_nested_config_distributed_no_max_max_concurrency',
    CALLS_IN_CHILD_EXECUTIONS,
  ],
  [
    'scenarios.test_base_scenarios.test_map_item_batching_base_json_max_per_batch_jsonata',
    ITEM_READER_JSONATA,
  ],
  ['scenarios.test_base_scenarios.test_map_item_reader_base_json_max_items_jsonata', ITEM_READER_JSONATA],
  ['scenarios.test_base_scenarios.test_map_state_result_writer', RESULT_WRITER],
  ['test_sfn_api.test_stop_execution', STOPPED_FROM_OUTSIDE],
  ['callback.test_callback.test_sns_publish_wait_for_task_token', STUB_TOPIC_ARN],
  ['callback.test_callback.test_sqs_wait_for_task_tok_with_heartbeat', TOKEN_PLACEHOLDER_WRAPPED],
  ['callback.test_callback.test_sqs_wait_for_task_token', TOKEN_PLACEHOLDER_WRAPPED],
  ['callback.test_callback.test_sqs_wait_for_task_token_timeout', TOKEN_PLACEHOLDER_WRAPPED],
  ['error_handling.test_task_lambda.test_no_such_function_catch', LAMBDA_CAUSE_TEXT],
  ['error_handling.test_task_lambda.test_raise_custom_exception', LAMBDA_CAUSE_TEXT],
  ['error_handling.test_task_lambda.test_raise_exception_catch', LAMBDA_CAUSE_TEXT],
  ['scenarios.test_base_scenarios.test_lambda_invoke_with_retry_base', LAMBDA_CAUSE_TEXT],
  ['scenarios.test_base_scenarios.test_lambda_invoke_with_retry_extended_input', LAMBDA_CAUSE_TEXT],
  [
    'scenarios.test_base_scenarios.test_lambda_service_invoke_with_retry_extended_input',
    RECORDED_BEFORE_REDRIVE,
  ],
  ['scenarios.test_base_scenarios.test_map_state_config_distributed_item_selector', MAP_RUN_LINKAGE_2023],
  ['scenarios.test_base_scenarios.test_map_state_config_distributed_parameters', MAP_RUN_LINKAGE_2023],
  ['scenarios.test_base_scenarios.test_map_state_config_distributed_reentrant', MAP_RUN_LINKAGE_2023],
  ['scenarios.test_base_scenarios.test_map_state_config_inline_item_selector', MAP_RUN_LINKAGE_2023],
  ['scenarios.test_base_scenarios.test_map_state_label', MAP_RUN_LINKAGE_2023],
  ['scenarios.test_base_scenarios.test_map_state_legacy_config_distributed', MAP_RUN_LINKAGE_2023],
  [
    'scenarios.test_base_scenarios.test_map_state_legacy_config_distributed_item_selector',
    MAP_RUN_LINKAGE_2023,
  ],
  ['scenarios.test_base_scenarios.test_map_state_legacy_config_distributed_parameters', MAP_RUN_LINKAGE_2023],
  ['scenarios.test_base_scenarios.test_map_state_tolerated_failure_count_path.0', MAP_RUN_LINKAGE_2023],
  ['scenarios.test_base_scenarios.test_map_state_tolerated_failure_count_path.1', MAP_RUN_LINKAGE_2023],
  ['scenarios.test_base_scenarios.test_map_state_tolerated_failure_percentage_path.0', MAP_RUN_LINKAGE_2023],
  ['scenarios.test_base_scenarios.test_map_state_tolerated_failure_percentage_path.1', MAP_RUN_LINKAGE_2023],
  [
    'scenarios.test_base_scenarios.test_map_state_tolerated_failure_percentage_path.1.1',
    MAP_RUN_LINKAGE_2023,
  ],
  [
    'scenarios.test_base_scenarios.test_map_state_tolerated_failure_percentage_path.100',
    MAP_RUN_LINKAGE_2023,
  ],
  [
    'scenarios.test_base_scenarios.test_map_state_tolerated_failure_values.count_literal',
    MAP_RUN_LINKAGE_2023,
  ],
  [
    'scenarios.test_base_scenarios.test_map_state_tolerated_failure_values.percentage_literal',
    MAP_RUN_LINKAGE_2023,
  ],
  ['services.test_apigetway_task_service.test_invoke_with_headers.singleStringHeader', API_GATEWAY_HEADERS],
  ['services.test_sns_task_service.test_fifo_message_attribute.input_params0-True', STUB_TOPIC_ARN],
  ['services.test_sns_task_service.test_fifo_message_attribute.input_params1-False', STUB_TOPIC_ARN],
  ['services.test_sns_task_service.test_publish_base.1', STUB_TOPIC_ARN],
  ['services.test_sns_task_service.test_publish_base.EMPTY', STUB_TOPIC_ARN],
  ['services.test_sns_task_service.test_publish_base.HelloWorld', STUB_TOPIC_ARN],
  ['services.test_sns_task_service.test_publish_base.None', STUB_TOPIC_ARN],
  ['services.test_sns_task_service.test_publish_base.True', STUB_TOPIC_ARN],
  ['services.test_sns_task_service.test_publish_base.message1', STUB_TOPIC_ARN],
  ['services.test_sns_task_service.test_publish_base_error_topic_arn', STUB_TOPIC_ARN],
  ['services.test_sns_task_service.test_publish_message_attributes.', STUB_TOPIC_ARN],
  ['services.test_sns_task_service.test_publish_message_attributes.HelloWorld', STUB_TOPIC_ARN],
  ['services.test_sns_task_service.test_publish_message_attributes._HelloWorld', STUB_TOPIC_ARN],
  ['services.test_sns_task_service.test_publish_message_attributes.message_value3', STUB_TOPIC_ARN],
  ['timeouts.test_timeouts.test_global_timeout', STATUS_ONLY_TIMEOUT],
  ['timeouts.test_timeouts.test_service_lambda_map_timeout', CONCURRENT_ITERATION_ORDER],
]);
