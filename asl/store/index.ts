/**
 * The execution store: state machines, executions and their histories, in memory or durable
 * under a data directory. The local Step Functions endpoint reads and writes through it; a
 * restarted local cloud resumes the executions listResumable returns.
 */
export { KeyFileError, SealedValueError, Sealer } from './cipher.ts';
export {
  CorruptStoreFile,
  EventSequenceError,
  ExecutionAlreadyExists,
  ExecutionNotFound,
  ExecutionStatusMismatch,
  InvalidPageSize,
  InvalidPageToken,
  StoreClosed,
  StoreError,
  StoreWriteFailed,
} from './errors.ts';
export { type FileStoreOptions, openFileStore } from './file.ts';
export { MemoryStore } from './memory.ts';
export type {
  ExecutionFilter,
  ExecutionPage,
  ExecutionPatch,
  ExecutionRecord,
  ExecutionStatus,
  ExecutionStore,
  HistoryPage,
  HistoryQuery,
  PageQuery,
  StateMachineRecord,
  StateMachineType,
  UpdateCondition,
} from './types.ts';
