/**
 * The target: an Express state machine run synchronously (StartSyncExecution) with the batch,
 * a JSON array of records, as its input. A run that does not succeed fails the whole batch; a
 * run that succeeds with `batchItemFailures` fails the batch from the earliest record it names
 * (an identifier that names no record of the batch fails the whole batch, as on AWS).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-batching-concurrency.html
 */
import {
  type SFNClient,
  StartSyncExecutionCommand,
  type StartSyncExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { describeFailure } from '../service.ts';

export interface Invocation {
  /** The index of the first record that failed; the batch's length when all succeeded. */
  readonly failedFrom: number;
  /** Why, for the log and the counters. */
  readonly error?: string;
}

export async function invokeStateMachine(
  client: SFNClient,
  stateMachineArn: string,
  sequenceNumbers: readonly string[],
  input: string,
): Promise<Invocation> {
  let result: StartSyncExecutionCommandOutput;
  try {
    result = await client.send(new StartSyncExecutionCommand({ stateMachineArn, input }));
  } catch (error) {
    return { failedFrom: 0, error: describeFailure(error) };
  }
  if (result.status !== 'SUCCEEDED') {
    return {
      failedFrom: 0,
      error: `execution ${result.status}: ${result.error ?? ''} ${result.cause ?? ''}`.trim(),
    };
  }
  return partialFailure(result.output, sequenceNumbers);
}

export function partialFailure(output: string | undefined, sequenceNumbers: readonly string[]): Invocation {
  let parsed: unknown;
  try {
    parsed = output === undefined ? undefined : JSON.parse(output);
  } catch {
    return { failedFrom: sequenceNumbers.length };
  }
  const failures =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as { batchItemFailures?: unknown }).batchItemFailures
      : undefined;
  if (failures === undefined || failures === null) return { failedFrom: sequenceNumbers.length };
  if (!Array.isArray(failures)) return { failedFrom: 0, error: 'batchItemFailures is not a list' };
  let first = sequenceNumbers.length;
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index = typeof id === 'string' ? sequenceNumbers.indexOf(id) : -1;
    if (index < 0)
      return {
        failedFrom: 0,
        error: `batchItemFailures names ${JSON.stringify(id)}, no record of the batch`,
      };
    first = Math.min(first, index);
  }
  return first < sequenceNumbers.length
    ? { failedFrom: first, error: `batchItemFailures from ${sequenceNumbers[first]}` }
    : { failedFrom: first };
}
