/**
 * RedriveExecution, and whether an execution is redrivable (DescribeExecution's redriveStatus).
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html
 */
import { z } from 'zod';
import { type ExecutionRecord, ExecutionStatusMismatch } from '../../asl/store/index.ts';
import type { SfnBackend } from './backend.ts';
import { SfnApiError } from './errors.ts';
import { requireExecution } from './executions.ts';
import { epochSeconds } from './protocol.ts';
import { parseRequest } from './validate.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** "Your workflow execution has not exceeded the redrivable period of 14 days." */
const REDRIVABLE_PERIOD_MS = 14 * DAY_MS;
/** "The workflow execution has not exceeded the maximum open time of one year." */
const MAX_OPEN_MS = 365 * DAY_MS;
/**
 * "The execution event history count is less than 24,999 ... to accommodate the
 * ExecutionRedriven history event and at least one other history event."
 */
const MAX_REDRIVE_EVENTS = 24_999;
/** "The API will return idempotent responses for the last 10 client tokens ... valid for up to 15 minutes." */
const CLIENT_TOKENS = 10;
const CLIENT_TOKEN_MS = 15 * 60 * 1000;

export type RedriveStatus =
  | { readonly redriveStatus: 'REDRIVABLE' }
  | { readonly redriveStatus: 'NOT_REDRIVABLE'; readonly redriveStatusReason: string };

/**
 * Whether RedriveExecution would redrive the execution now, with the reason AWS gives when not
 * (DescribeExecution's redriveStatusReason, in the wording of its API reference).
 */
export async function redriveStatus(b: SfnBackend, r: ExecutionRecord): Promise<RedriveStatus> {
  const not = (redriveStatusReason: string): RedriveStatus => ({
    redriveStatus: 'NOT_REDRIVABLE',
    redriveStatusReason,
  });
  if (r.status === 'RUNNING' || r.status === 'SUCCEEDED')
    return not(`Execution is ${r.status} and cannot be redriven`);
  if (r.type === 'EXPRESS') return not('Execution is EXPRESS and cannot be redriven');
  // The local store removes a deleted state machine at once; AWS shows it as DELETING meanwhile.
  if (!(await b.store.getStateMachine(r.stateMachineArn))) return not('State machine is in DELETING status');
  const now = b.env.clock.now();
  if (now - r.startDate.getTime() > MAX_OPEN_MS) return not('Execution has exceeded the max execution time');
  if (r.stopDate && now - r.stopDate.getTime() > REDRIVABLE_PERIOD_MS)
    return not('Execution redrivable period exceeded');
  // The newest event's id is the history's length.
  const { events } = await b.store.getHistory(r.executionArn, { reverseOrder: true, maxResults: 1 });
  if ((events[0]?.id ?? 0) >= MAX_REDRIVE_EVENTS) return not('Execution history event limit exceeded');
  return { redriveStatus: 'REDRIVABLE' };
}

const Request = z.object({
  executionArn: z.string(),
  clientToken: z.string().min(1).max(64).optional(),
});

export async function redriveExecution(b: SfnBackend, body: unknown): Promise<unknown> {
  const request = parseRequest(Request, body);
  const record = await requireExecution(b, request.executionArn);
  const now = b.env.clock.now();
  const repeated = request.clientToken && sameToken(record, request.clientToken, now);
  if (repeated) return { redriveDate: repeated / 1000 };
  const status = await redriveStatus(b, record);
  if (status.redriveStatus === 'NOT_REDRIVABLE') {
    throw new SfnApiError('ExecutionNotRedrivable', status.redriveStatusReason);
  }
  const redriveDate = new Date(now);
  const tokens = [
    ...(record.redriveTokens ?? []).filter((t) => now - t.redriveDate <= CLIENT_TOKEN_MS),
    ...(request.clientToken ? [{ token: request.clientToken, redriveDate: now }] : []),
  ].slice(-CLIENT_TOKENS);
  try {
    const running = await b.executions.redrive(record, { redriveDate, redriveTokens: tokens });
    running.done.catch(() => {});
  } catch (error) {
    // Another redrive (or the end of this one) changed the status first.
    if (!(error instanceof ExecutionStatusMismatch)) throw error;
    const now = await requireExecution(b, request.executionArn);
    const again = request.clientToken && sameToken(now, request.clientToken, b.env.clock.now());
    if (again) return { redriveDate: again / 1000 };
    throw new SfnApiError('ExecutionNotRedrivable', `Execution is ${now.status} and cannot be redriven`);
  }
  return { redriveDate: epochSeconds(redriveDate) };
}

/** The date (epoch ms) of the redrive this client token already made, if it is still valid. */
function sameToken(record: ExecutionRecord, token: string, now: number): number | undefined {
  const used = (record.redriveTokens ?? []).find((t) => t.token === token);
  return used && now - used.redriveDate <= CLIENT_TOKEN_MS ? used.redriveDate : undefined;
}
