/** SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat. */
import { z } from 'zod';
import { TaskTokenError } from '../../asl/index.ts';
import type { SfnBackend } from './backend.ts';
import { SfnApiError } from './errors.ts';
import { parseRequest } from './validate.ts';

const Success = z.object({ taskToken: z.string().min(1).max(2048), output: z.string() });
const Failure = z.object({
  taskToken: z.string().min(1).max(2048),
  error: z.string().max(256).optional(),
  cause: z.string().max(32768).optional(),
});
const Heartbeat = z.object({ taskToken: z.string().min(1).max(2048) });

/**
 * The engine's token errors are the API's (InvalidToken, TaskDoesNotExist, TaskTimedOut). The
 * answer is acknowledged only once the task's outcome is durable: a crash after the response
 * cannot lose it.
 */
async function answering(action: () => Promise<void> | void): Promise<Record<string, never>> {
  let recorded: Promise<void> | void;
  try {
    recorded = action();
  } catch (error) {
    if (error instanceof TaskTokenError) throw new SfnApiError(error.code, error.message);
    throw error;
  }
  await recorded;
  return {};
}

export function sendTaskSuccess(b: SfnBackend, body: unknown): unknown {
  const request = parseRequest(Success, body);
  let output: unknown;
  try {
    output = JSON.parse(request.output);
  } catch (error) {
    throw new SfnApiError(
      'InvalidOutput',
      `Invalid Output: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (Buffer.byteLength(request.output) > b.env.limits.maxPayloadBytes) {
    throw new SfnApiError(
      'InvalidOutput',
      `Output is larger than the maximum of ${b.env.limits.maxPayloadBytes} bytes.`,
    );
  }
  return answering(() => b.env.tokens.succeed(request.taskToken, output));
}

export function sendTaskFailure(b: SfnBackend, body: unknown): unknown {
  const request = parseRequest(Failure, body);
  return answering(() =>
    b.env.tokens.fail(request.taskToken, {
      ...(request.error !== undefined ? { error: request.error } : {}),
      ...(request.cause !== undefined ? { cause: request.cause } : {}),
    }),
  );
}

export function sendTaskHeartbeat(b: SfnBackend, body: unknown): unknown {
  return answering(() => b.env.tokens.heartbeat(parseRequest(Heartbeat, body).taskToken));
}
