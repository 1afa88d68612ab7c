/** The state types the runtime dispatches to: one runner per `Type`, one module each. */
import type { StateRunners } from '../runtime/context.ts';
import { runChoice } from './choice.ts';
import { runFail } from './fail.ts';
import { runMap } from './map.ts';
import { runParallel } from './parallel.ts';
import { runPass } from './pass.ts';
import { runSucceed } from './succeed.ts';
import { runTask } from './task.ts';
import { runWait } from './wait.ts';

export const stateRunners: StateRunners = {
  Pass: runPass,
  Succeed: runSucceed,
  Fail: runFail,
  Wait: runWait,
  Choice: runChoice,
  Task: runTask,
  Parallel: runParallel,
  Map: runMap,
};
