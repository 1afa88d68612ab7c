/** StartExecution, StartSyncExecution, DescribeExecution, ListExecutions, StopExecution. */
import { z } from 'zod';
import { execute } from '../../asl/index.ts';
import { ExecutionAlreadyExists, type ExecutionRecord, type ExecutionStatus } from '../../asl/store/index.ts';
import type { SfnBackend } from './backend.ts';
import { SfnApiError } from './errors.ts';
import { epochSeconds } from './protocol.ts';
import { redriveStatus } from './redrive.ts';
import { requireStateMachine } from './state-machines.ts';
import { parseRequest } from './validate.ts';

/** Characters AWS refuses in execution names, besides whitespace and control characters. */
const NAME_FORBIDDEN = new Set('<>{}[]?*"#%\\^|~`$&,;:/');

function validName(name: string): boolean {
  if (name.length < 1 || name.length > 80) return false;
  for (const ch of name) {
    const code = ch.codePointAt(0) ?? 0;
    if (/\s/.test(ch) || NAME_FORBIDDEN.has(ch) || code < 0x20 || (code >= 0x7f && code <= 0x9f))
      return false;
  }
  return true;
}

const StartRequest = z.object({
  stateMachineArn: z.string(),
  name: z.string().optional(),
  input: z.string().optional(),
  traceHeader: z.string().optional(),
});

function parseInput(json: string, limit: number): unknown {
  if (Buffer.byteLength(json) > limit) {
    throw new SfnApiError('InvalidExecutionInput', `Input is larger than the maximum of ${limit} bytes.`);
  }
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new SfnApiError(
      'InvalidExecutionInput',
      `Invalid execution input: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function checkName(name: string): void {
  if (!validName(name)) {
    throw new SfnApiError(
      'InvalidName',
      `Invalid Name: '${name}' (1-80 characters, no whitespace or special characters)`,
    );
  }
}

/**
 * What both StartExecution and StartSyncExecution check and load before they run anything: the
 * machine is read once, the input text taken once and parsed once.
 */
async function prepareStart(b: SfnBackend, body: unknown) {
  const request = parseRequest(StartRequest, body);
  const machine = await requireStateMachine(b.store, request.stateMachineArn);
  const name = request.name ?? crypto.randomUUID();
  checkName(name);
  const inputText = request.input ?? '{}';
  const options = {
    definition: b.definitionOf(machine),
    input: parseInput(inputText, b.env.limits.maxPayloadBytes),
    name,
    stateMachineArn: machine.stateMachineArn,
    stateMachineName: machine.name,
    roleArn: machine.roleArn,
  };
  return { machine, name, inputText, options };
}

/** Express executions are named by a unique ARN of their own, as on AWS. */
function expressArn(machine: { stateMachineArn: string }, name: string): string {
  return `${machine.stateMachineArn.replace(':stateMachine:', ':express:')}:${name}:${crypto.randomUUID()}`;
}

/** Reports an execution whose run ended in an exception, which no caller awaits. */
function unfinished(executionArn: string): (error: unknown) => void {
  return (error) =>
    process.stderr.write(`sfn execution ${executionArn} could not finish: ${String(error)}\n`);
}

export async function startExecution(b: SfnBackend, body: unknown): Promise<unknown> {
  const { machine, name, options } = await prepareStart(b, body);
  const startTime = b.env.clock.now();
  if (machine.type === 'EXPRESS') {
    // Asynchronous Express executions keep no history that the API can read, as on AWS.
    const executionArn = expressArn(machine, name);
    // Its end is seen nowhere but here: an engine fault must not go unhandled (it would end the process).
    execute(b.env, { ...options, type: 'EXPRESS', startTime, executionArn }).catch(unfinished(executionArn));
    return { executionArn, startDate: startTime / 1000 };
  }
  try {
    // The store creates the execution atomically: of concurrent starts under one name, one wins.
    const running = await b.executions.start({ ...options, startTime });
    running.done.catch(unfinished(running.executionArn));
    return { executionArn: running.executionArn, startDate: startTime / 1000 };
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
    return sameRequest(b, error.executionArn, options.input);
  }
}

/**
 * A start under a name that is taken. AWS: with the same input while that execution is open, it
 * is the same request and answers the same executionArn and startDate; otherwise, and always once
 * the execution has closed, ExecutionAlreadyExists. Inputs are compared as the store keeps them
 * (compact JSON), so whitespace alone does not make them differ.
 */
async function sameRequest(b: SfnBackend, executionArn: string, input: unknown): Promise<unknown> {
  const existing = await b.store.getExecution(executionArn);
  if (existing?.status === 'RUNNING' && existing.input === JSON.stringify(input)) {
    return { executionArn, startDate: epochSeconds(existing.startDate) };
  }
  throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
}

export async function startSyncExecution(b: SfnBackend, body: unknown): Promise<unknown> {
  const { machine, name, inputText, options } = await prepareStart(b, body);
  if (machine.type !== 'EXPRESS') {
    throw new SfnApiError(
      'StateMachineTypeNotSupported',
      'This operation is not supported by this type of state machine',
    );
  }
  const startDate = b.env.clock.now();
  const executionArn = expressArn(machine, name);
  const result = await execute(b.env, {
    ...options,
    type: 'EXPRESS',
    startTime: startDate,
    executionArn,
    synchronous: true,
  });
  const status =
    result.status === 'SUCCEEDED' ? 'SUCCEEDED' : result.status === 'TIMED_OUT' ? 'TIMED_OUT' : 'FAILED';
  return {
    executionArn,
    stateMachineArn: machine.stateMachineArn,
    name,
    startDate: startDate / 1000,
    stopDate: b.env.clock.now() / 1000,
    status,
    input: inputText,
    inputDetails: { included: true },
    ...(result.status === 'SUCCEEDED'
      ? { output: JSON.stringify(result.output), outputDetails: { included: true } }
      : {}),
    ...(result.error !== undefined ? { error: result.error } : {}),
    ...(result.cause !== undefined ? { cause: result.cause } : {}),
    billingDetails: {
      billedMemoryUsedInMB: 64,
      billedDurationInMilliseconds: Math.max(100, b.env.clock.now() - startDate),
    },
  };
}

const ExecutionRequest = z.object({
  executionArn: z.string(),
  includedData: z.enum(['ALL_DATA', 'METADATA_ONLY']).optional(),
});

export async function requireExecution(b: SfnBackend, arn: string): Promise<ExecutionRecord> {
  const record = await b.store.getExecution(arn);
  if (!record) throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
  return record;
}

/** What DescribeExecution and ListExecutions both answer for an execution. */
function summary(r: ExecutionRecord) {
  return {
    executionArn: r.executionArn,
    stateMachineArn: r.stateMachineArn,
    name: r.name,
    status: r.status,
    startDate: epochSeconds(r.startDate),
    ...(r.stopDate ? { stopDate: epochSeconds(r.stopDate) } : {}),
    redriveCount: r.redriveCount,
    ...(r.redriveDate ? { redriveDate: epochSeconds(r.redriveDate) } : {}),
  };
}

export async function describeExecution(b: SfnBackend, body: unknown): Promise<unknown> {
  const request = parseRequest(ExecutionRequest, body);
  const r = await requireExecution(b, request.executionArn);
  const data = request.includedData !== 'METADATA_ONLY';
  return {
    ...summary(r),
    ...(data ? { input: r.input, inputDetails: { included: true } } : {}),
    ...(data && r.output !== undefined ? { output: r.output, outputDetails: { included: true } } : {}),
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...(r.cause !== undefined ? { cause: r.cause } : {}),
    ...(await redriveStatus(b, r)),
  };
}

const ListRequest = z.object({
  stateMachineArn: z.string(),
  statusFilter: z
    .enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'])
    .optional(),
  maxResults: z.number().int().min(0).max(1000).optional(),
  nextToken: z.string().optional(),
  redriveFilter: z.enum(['REDRIVEN', 'NOT_REDRIVEN']).optional(),
});

export async function listExecutions(b: SfnBackend, body: unknown): Promise<unknown> {
  const request = parseRequest(ListRequest, body);
  await requireStateMachine(b.store, request.stateMachineArn);
  const page = await b.store.listExecutions({
    stateMachineArn: request.stateMachineArn,
    ...(request.statusFilter ? { status: request.statusFilter as ExecutionStatus } : {}),
    ...(request.redriveFilter ? { redriven: request.redriveFilter === 'REDRIVEN' } : {}),
    maxResults: request.maxResults || 100,
    ...(request.nextToken ? { nextToken: request.nextToken } : {}),
  });
  return {
    executions: page.executions.map(summary),
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  };
}

const StopRequest = z.object({
  executionArn: z.string(),
  error: z.string().optional(),
  cause: z.string().optional(),
});

export async function stopExecution(b: SfnBackend, body: unknown): Promise<unknown> {
  const request = parseRequest(StopRequest, body);
  const record = await requireExecution(b, request.executionArn);
  const running = b.executions.get(request.executionArn);
  if (record.status === 'RUNNING' && running) {
    running.stop({ error: request.error, cause: request.cause });
    await running.done.catch(() => {});
  }
  const after = await requireExecution(b, request.executionArn);
  return { stopDate: epochSeconds(after.stopDate ?? new Date(b.env.clock.now())) };
}
