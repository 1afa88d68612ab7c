/**
 * Lambda as a Task resource: the optimized integration `arn:aws:states:::lambda:invoke` (and its
 * `.waitForTaskToken` form), and a function ARN used directly as the Resource.
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */
import * as lambdaSdk from '@aws-sdk/client-lambda';
import {
  InvokeCommand,
  type InvokeCommandInput,
  type InvokeCommandOutput,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import type { TaskResource } from '../definition/types.ts';
import type { Failure } from '../runtime/outcome.ts';
import { InvalidTaskArguments, UnsupportedIntegrationPattern } from './errors.ts';
import { captureHttpResponse, sdkHttpMetadata } from './private/http-metadata.ts';
import { lambdaServiceFailure } from './private/sdk-failures.ts';
import type { TaskHandler, TaskRequest } from './types.ts';

export interface LambdaHandlerOptions {
  /**
   * Builds the client for a region, once per region. The default is `new LambdaClient({ region })`,
   * which honours `AWS_ENDPOINT_URL_LAMBDA` / `AWS_ENDPOINT_URL` and the default credential chain.
   */
  readonly clientFactory?: (region: string) => LambdaClient;
  /** Every call goes to this region instead of the Task's. */
  readonly region?: string;
}

export interface LambdaHandlers {
  /** `arn:aws:states:::lambda:invoke[.waitForTaskToken]` */
  readonly invoke: TaskHandler;
  /** `arn:aws:lambda:<region>:<account>:function:<name>` as the Resource */
  readonly function: TaskHandler;
}

export function isLambdaInvokeResource(resource: TaskResource): boolean {
  return resource.kind === 'service' && resource.service === 'lambda' && resource.action === 'invoke';
}

export function isLambdaFunctionResource(resource: TaskResource): boolean {
  return resource.kind === 'lambda-function';
}

const sdkExports = lambdaSdk as unknown as Readonly<Record<string, unknown>>;

export function createLambdaHandlers(options: LambdaHandlerOptions = {}): LambdaHandlers {
  const factory = options.clientFactory ?? ((region: string) => new LambdaClient({ region }));
  const clients = new Map<string, LambdaClient>();
  const clientFor = (request: TaskRequest): LambdaClient => {
    const region = options.region ?? request.region;
    let client = clients.get(region);
    if (!client) {
      client = factory(region);
      clients.set(region, client);
    }
    return client;
  };

  const invoke: TaskHandler = async (request) => {
    const { resource } = request;
    // AWS offers lambda:invoke as request-response and .waitForTaskToken only.
    if (resource.pattern !== 'request-response' && resource.pattern !== 'waitForTaskToken') {
      throw new UnsupportedIntegrationPattern(resource.arn, ['request-response', '.waitForTaskToken']);
    }
    const args = request.arguments;
    if (!isRecord(args) || typeof args.FunctionName !== 'string') {
      throw new InvalidTaskArguments(
        resource.arn,
        'lambda:invoke takes Arguments with a FunctionName string',
        args,
      );
    }
    const input: InvokeCommandInput = { FunctionName: args.FunctionName };
    const payload = invokePayload(args.Payload);
    if (payload !== undefined) input.Payload = payload;
    for (const key of ['InvocationType', 'LogType', 'ClientContext', 'Qualifier'] as const) {
      const value = args[key];
      if (typeof value === 'string') input[key] = value as never;
    }
    const command = new InvokeCommand(input);
    const httpResponse = captureHttpResponse(command);
    const called = await call(clientFor(request), command, request.signal);
    if (!called.ok) return called;
    const response = called.response;
    const text = payloadText(response);
    if (response.FunctionError !== undefined) return { ok: false, failure: functionError(text) };
    // The Java SDK 1.x InvokeResult with its metadata, as the corpus records it.
    return {
      ok: true,
      output: {
        ExecutedVersion: response.ExecutedVersion,
        ...(response.LogResult !== undefined ? { LogResult: response.LogResult } : {}),
        Payload: parsePayload(text),
        SdkHttpMetadata: sdkHttpMetadata(httpResponse()),
        SdkResponseMetadata: { RequestId: response.$metadata.requestId ?? null },
        StatusCode: response.StatusCode,
      },
    };
  };

  const fn: TaskHandler = async (request) => {
    // A function ARN takes the effective input as its event, always as JSON text.
    const command = new InvokeCommand({
      FunctionName: request.resource.arn,
      Payload: new TextEncoder().encode(JSON.stringify(request.arguments) ?? 'null'),
    });
    const called = await call(clientFor(request), command, request.signal);
    if (!called.ok) return called;
    const text = payloadText(called.response);
    if (called.response.FunctionError !== undefined) return { ok: false, failure: functionError(text) };
    return { ok: true, output: parsePayload(text) };
  };

  return { invoke, function: fn };
}

async function call(
  client: LambdaClient,
  command: InvokeCommand,
  signal: AbortSignal,
): Promise<{ ok: true; response: InvokeCommandOutput } | { ok: false; failure: Failure }> {
  try {
    return { ok: true, response: await client.send(command, { abortSignal: signal }) };
  } catch (error) {
    return { ok: false, failure: lambdaServiceFailure(error, sdkExports) };
  }
}

/**
 * The invoke Payload: a string is sent as it is, anything else as its JSON text. The corpus
 * shows it: Payload "\"HelloWorld\"" reaches the echo function as the 12 bytes `"HelloWorld"`,
 * Payload "0.0" as the number 0.0. A null Payload sends none (the function then gets `{}`).
 */
function invokePayload(value: unknown): Uint8Array | undefined {
  if (value === undefined || value === null) return undefined;
  return new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
}

function payloadText(response: InvokeCommandOutput): string {
  return response.Payload ? new TextDecoder('utf-8').decode(response.Payload) : '';
}

/** A function's JSON answer is returned parsed; anything else (not seen from Lambda) as text. */
function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A function error (X-Amz-Function-Error): the error is the payload's `errorType` and the cause
 * the payload text (corpus: error "Exception", cause `{"errorMessage": ..., "errorType":
 * "Exception", ...}`). Without an errorType (a timeout or crash the runtime reports as text),
 * AWS reports `Lambda.Unknown` with this cause.
 */
function functionError(text: string): Failure {
  const parsed = parsePayload(text);
  const errorType = isRecord(parsed) && typeof parsed.errorType === 'string' ? parsed.errorType : undefined;
  if (errorType === undefined) {
    return {
      error: 'Lambda.Unknown',
      cause: `The cause could not be determined because Lambda did not return an error type. Returned payload: ${text}`,
    };
  }
  return { error: errorType, cause: text };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
