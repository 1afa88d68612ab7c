/**
 * The ASL state types, one module each; the runtime reaches them only through stateRunners.
 * testState runs one state alone (the TestState API).
 */
export { stateRunners } from './runners.ts';
export {
  type TestStateContext,
  type TestStateInspection,
  type TestStateMock,
  type TestStateOptions,
  type TestStateResult,
  testState,
} from './test-state.ts';
