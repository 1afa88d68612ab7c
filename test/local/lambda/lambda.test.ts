import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResource } from '../../../asl/definition/resource.ts';
import { createLambdaHandlers } from '../../../asl/services/lambda.ts';
import { type LambdaHandler, startLambda } from '../../../local/lambda/index.ts';
import type { LocalService } from '../../../local/service.ts';
import { testExecution } from '../../fixtures/execution.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

class ValidationFailed extends Error {
  override name = 'ValidationFailed';
}

const functions: Record<string, LambdaHandler> = {
  greet: async (event) => ({ greeting: `Hello, ${(event as { name: string }).name}` }),
  reject: async () => {
    throw new ValidationFailed('company name is required');
  },
  slow: () => new Promise(() => {}),
};

describe('local Lambda Invoke endpoint', () => {
  let dir: string;
  let service: LocalService;
  let lambda: LambdaClient;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambda-'));
    service = await startLambda({ dataDir: dir, functions, timeoutMs: 200 });
    lambda = new LambdaClient({
      region: 'us-east-1',
      endpoint: service.endpoint,
      credentials,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    await service.close();
    await rm(dir, { recursive: true, force: true });
  });

  const invoke = async (name: string, payload: unknown) => {
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(payload)) }),
    );
    return {
      ...out,
      body: JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString() || 'null') as unknown,
    };
  };

  it('runs the handler in process and answers with its result', async () => {
    const out = await invoke('arn:aws:lambda:us-east-1:111111111111:function:greet', { name: 'Ada' });
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBeUndefined();
    expect(out.body).toEqual({ greeting: 'Hello, Ada' });
  });

  it('reports a thrown error as the Node.js runtime does', async () => {
    const out = await invoke('reject', {});
    expect(out.FunctionError).toBe('Unhandled');
    expect(out.body).toMatchObject({
      errorType: 'ValidationFailed',
      errorMessage: 'company name is required',
    });
  });

  it('times out a handler past its limit', async () => {
    const out = await invoke('slow', {});
    expect(out.FunctionError).toBe('Unhandled');
    expect((out.body as { errorMessage: string }).errorMessage).toMatch(/Task timed out after 0.20 seconds/);
  });

  it('answers an unknown function with ResourceNotFoundException', async () => {
    await expect(invoke('nope', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it("serves the engine's lambda:invoke integration: a function error becomes a catchable failure", async () => {
    const handlers = createLambdaHandlers({
      clientFactory: (region) =>
        new LambdaClient({ region, endpoint: service.endpoint, credentials, maxAttempts: 1 }),
    });
    const resource = parseResource('arn:aws:states:::lambda:invoke');
    if (!resource) throw new TypeError('resource');
    const result = await handlers.invoke({
      resource,
      arguments: { FunctionName: 'reject', Payload: {} },
      region: 'us-east-1',
      signal: new AbortController().signal,
      execution: testExecution,
      stateName: 'Check',
    });
    expect(result).toMatchObject({ ok: false, failure: { error: 'ValidationFailed' } });
  });
});
