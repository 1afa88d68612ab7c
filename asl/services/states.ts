/**
 * `arn:aws:states:::states:startExecution[.sync|.sync:2|.waitForTaskToken]`: start another
 * state machine's execution through the Step Functions API (the local endpoint or AWS), and for
 * the `.sync` patterns wait for it to end.
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { TaskResource } from '../definition/types.ts';
import { type Failure, StatesError } from '../runtime/outcome.ts';
import { InvalidTaskArguments } from './errors.ts';
import { captureHttpResponse, sdkHttpMetadata } from './private/http-metadata.ts';
import { isServiceError, withExceptionSuffix } from './private/sdk-failures.ts';
import type { TaskHandler, TaskRequest, TaskResult } from './types.ts';

export interface StartExecutionHandlerOptions {
  /** Every call goes to this region instead of the Task's. */
  readonly region?: string;
  /** Builds the client for a region; by default an SFNClient honouring AWS_ENDPOINT_URL(_SFN). */
  readonly client?: (region: string) => SFNClient;
  /** How often a `.sync` task asks whether the execution has ended (AWS is event-driven; locally we poll). */
  readonly pollIntervalMs?: number;
  /** Waits between polls; injectable so tests run on a virtual clock. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export function isStartExecutionResource(resource: TaskResource): boolean {
  return resource.kind === 'service' && resource.service === 'states' && resource.action === 'startExecution';
}

export function createStartExecutionHandler(options: StartExecutionHandlerOptions = {}): TaskHandler {
  const clients = new Map<string, SFNClient>();
  const client = (region: string): SFNClient => {
    let c = clients.get(region);
    if (!c) {
      c = options.client?.(region) ?? new SFNClient({ region });
      clients.set(region, c);
    }
    return c;
  };
  const pollMs = options.pollIntervalMs ?? 1000;
  const sleep = options.sleep ?? defaultSleep;

  return async (request) => {
    const sfn = client(options.region ?? request.region);
    let executionArn: string;
    let started: Record<string, unknown>;
    if (request.resumeSubmitted !== undefined) {
      started = request.resumeSubmitted as Record<string, unknown>;
      executionArn = String(started.ExecutionArn);
    } else {
      const input = startInput(request);
      const command = new StartExecutionCommand(input);
      const response = captureHttpResponse(command);
      try {
        const out = await sfn.send(command, { abortSignal: request.signal });
        executionArn = out.executionArn ?? '';
        started = {
          ExecutionArn: executionArn,
          SdkHttpMetadata: sdkHttpMetadata(response()),
          SdkResponseMetadata: { RequestId: out.$metadata.requestId },
          StartDate: out.startDate?.getTime(),
        };
      } catch (error) {
        return { ok: false, failure: stepFunctionsFailure(error) };
      }
    }
    const pattern = request.resource.pattern;
    if (pattern === 'request-response' || pattern === 'waitForTaskToken')
      return { ok: true, output: started };
    return {
      ok: 'submitted',
      output: started,
      completion: (signal) => waitForEnd(sfn, executionArn, pattern === 'sync:2', pollMs, sleep, signal),
    };
  };
}

function startInput(request: TaskRequest): {
  stateMachineArn: string;
  input?: string;
  name?: string;
  traceHeader?: string;
} {
  const args = request.arguments;
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new InvalidTaskArguments(
      request.resource.arn,
      'states:startExecution takes an object with StateMachineArn, and optionally Input and Name',
      args,
    );
  }
  const { StateMachineArn, Input, Name, TraceHeader } = args as Record<string, unknown>;
  if (typeof StateMachineArn !== 'string') {
    throw new InvalidTaskArguments(
      request.resource.arn,
      'states:startExecution needs StateMachineArn as a string',
      StateMachineArn,
    );
  }
  return {
    stateMachineArn: StateMachineArn,
    // Input may be given as JSON text or as a JSON value, which is sent as its text.
    ...(Input !== undefined ? { input: typeof Input === 'string' ? Input : JSON.stringify(Input) } : {}),
    ...(typeof Name === 'string' ? { name: Name } : {}),
    ...(typeof TraceHeader === 'string' ? { traceHeader: TraceHeader } : {}),
  };
}

async function waitForEnd(
  sfn: SFNClient,
  executionArn: string,
  parsed: boolean,
  pollMs: number,
  sleep: (ms: number, signal: AbortSignal) => Promise<void>,
  signal: AbortSignal,
): Promise<TaskResult> {
  for (;;) {
    let described: DescribeExecutionCommandOutput;
    try {
      described = await sfn.send(new DescribeExecutionCommand({ executionArn }), { abortSignal: signal });
    } catch (error) {
      return { ok: false, failure: stepFunctionsFailure(error) };
    }
    if (described.status !== 'RUNNING' && described.status !== 'PENDING_REDRIVE') {
      const output = describeOutput(described, parsed);
      if (described.status === 'SUCCEEDED') return { ok: true, output };
      // As AWS: the task fails with States.TaskFailed and the child's description as the cause.
      return { ok: false, failure: { error: StatesError.TaskFailed, cause: JSON.stringify(output) } };
    }
    await sleep(pollMs, signal);
  }
}

/** DescribeExecution as the `.sync` (Input/Output as text) and `.sync:2` (parsed) integrations return it. */
function describeOutput(d: DescribeExecutionCommandOutput, parsed: boolean): Record<string, unknown> {
  const payload = (text: string | undefined): unknown =>
    parsed && text !== undefined ? JSON.parse(text) : text;
  const failed = d.status !== 'SUCCEEDED';
  return {
    ...(failed && d.cause !== undefined ? { Cause: d.cause } : {}),
    ...(failed && d.error !== undefined ? { Error: d.error } : {}),
    ExecutionArn: d.executionArn,
    Input: payload(d.input),
    InputDetails: { Included: d.inputDetails?.included ?? true },
    Name: d.name,
    ...(d.output !== undefined
      ? { Output: payload(d.output), OutputDetails: { Included: d.outputDetails?.included ?? true } }
      : {}),
    ...(!parsed && !failed
      ? {
          RedriveCount: d.redriveCount ?? 0,
          RedriveStatus: d.redriveStatus ?? 'NOT_REDRIVABLE',
          RedriveStatusReason: d.redriveStatusReason ?? `Execution is ${d.status} and cannot be redriven`,
        }
      : {}),
    StartDate: d.startDate?.getTime(),
    StateMachineArn: d.stateMachineArn,
    Status: d.status,
    StopDate: d.stopDate?.getTime(),
  };
}

/**
 * The optimised integration names service errors `StepFunctions.<Name>Exception`, as the
 * Step Functions developer guide's error tables for the optimised integrations do.
 */
function stepFunctionsFailure(error: unknown): Failure {
  if (!isServiceError(error)) {
    return {
      error: 'StepFunctions.SdkClientException',
      cause: `Unable to execute HTTP request: ${String(error)}`,
    };
  }
  const message = (error as { message?: unknown }).message;
  return {
    error: `StepFunctions.${withExceptionSuffix(error.name)}`,
    cause: `${typeof message === 'string' ? message : error.name} (Service: AWSStepFunctions; Status Code: ${error.$metadata.httpStatusCode}; Error Code: ${error.name}; Request ID: ${error.$metadata.requestId ?? 'null'}; Proxy: null)`,
  };
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
