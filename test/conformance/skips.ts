/**
 * The one list of conformance cases the suite does not run, each with the reason it cannot be
 * replayed from its recording. A case is listed only when what it needs is absent from the
 * recorded history; every other case runs, whatever its query language.
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
]);
