/**
 * Resuming a Task: when the history already records how the attempt ended, that outcome is
 * used instead of calling the service again, so a resumed execution does not repeat side effects.
 */
import type { TaskState } from '../../definition/types.ts';
import type { Step } from '../../runtime/context.ts';
import { type Failure, StatesError } from '../../runtime/outcome.ts';
import type { TaskHandler, TaskRequest } from '../../services/types.ts';
import type { Race } from './task-race.ts';

/**
 * A resumed task whose outcome was recorded: the outcome, without calling anything again. A task
 * recorded as submitted (callback or `.sync`) re-attaches: the callback waits on its token, a
 * `.sync` integration is asked to wait for the job it had submitted.
 */
export function replayed(
  step: Step<TaskState>,
  request: TaskRequest,
  handler: TaskHandler,
): Race | undefined {
  const recorded = step.frame.run.history.peek(step.frame.thread);
  if (!recorded?.type) return undefined;
  const d =
    recorded.taskSucceededEventDetails ??
    recorded.lambdaFunctionSucceededEventDetails ??
    recorded.taskSubmittedEventDetails;
  const failure =
    recorded.taskFailedEventDetails ??
    recorded.lambdaFunctionFailedEventDetails ??
    recorded.taskTimedOutEventDetails ??
    recorded.lambdaFunctionTimedOutEventDetails;
  switch (recorded.type) {
    case 'TaskSucceeded':
    case 'LambdaFunctionSucceeded':
      return { kind: 'result', result: { ok: true, output: JSON.parse(d?.output ?? 'null') } };
    case 'TaskFailed':
    case 'LambdaFunctionFailed':
      return { kind: 'result', result: { ok: false, failure: recordedFailure(failure) } };
    case 'TaskTimedOut':
    case 'LambdaFunctionTimedOut':
      return { kind: 'timeout', error: failure?.error ?? StatesError.Timeout };
    case 'TaskStateAborted':
      return { kind: 'aborted' };
    case 'TaskSubmitted': {
      const output: unknown = JSON.parse(d?.output ?? 'null');
      if (request.taskToken !== undefined) return { kind: 'result', result: { ok: true, output } };
      return {
        kind: 'result',
        result: {
          ok: 'submitted',
          output,
          completion: async (signal) => {
            const resumed = await handler({ ...request, signal, resumeSubmitted: output });
            return resumed.ok === 'submitted' ? resumed.completion(signal) : resumed;
          },
        },
      };
    }
    default:
      return undefined;
  }
}

function recordedFailure(
  details: { error?: string | undefined; cause?: string | undefined } | undefined,
): Failure {
  return {
    ...(details?.error !== undefined ? { error: details.error } : {}),
    ...(details?.cause !== undefined ? { cause: details.cause } : {}),
  };
}
