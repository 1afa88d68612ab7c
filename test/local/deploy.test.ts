import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.ts';
import { deployLocally, LocalDeployError, type LocalDeployment } from '../../local/deploy.ts';
import { TABLES, WORKFLOWS } from '../../workflows/index.ts';
import { smokeCheck } from '../../workflows/smoke-check/workflow.ts';

describe('deployLocally', () => {
  let dir: string;
  let cloud: LocalCloud;
  let deployment: LocalDeployment;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deploy-'));
    cloud = await startLocalCloud({ dataDir: dir });
    deployment = await deployLocally(cloud);
  }, 120_000);
  afterAll(async () => {
    await cloud.close();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('creates every declared table with its keys, TTL attribute and, for metadata tables, a stream', async () => {
    const dynamodb = new DynamoDBClient(cloud.sdkConfig('DYNAMODB'));
    for (const [id, declared] of Object.entries(TABLES)) {
      const name = deployment.tables[id as keyof typeof TABLES];
      expect(name).toBe(`wf-${id}`);
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
      expect(Table?.KeySchema?.[0]).toEqual({ AttributeName: declared.partitionKey.name, KeyType: 'HASH' });
      expect(Table?.StreamSpecification?.StreamViewType).toBe(
        declared.stream ? 'NEW_AND_OLD_IMAGES' : undefined,
      );
      const ttl = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: name }));
      expect(ttl.TimeToLiveDescription).toMatchObject({
        AttributeName: 'expiresAt',
        TimeToLiveStatus: 'ENABLED',
      });
    }
  });

  it('creates a state machine per workflow with its substitutions applied, as CloudFormation does', async () => {
    const sfn = new SFNClient(cloud.sdkConfig('SFN'));
    for (const workflow of WORKFLOWS) {
      const machine = await sfn.send(
        new DescribeStateMachineCommand({ stateMachineArn: deployment.stateMachines[workflow.name] }),
      );
      expect(machine.name).toBe(`wf-${workflow.name}`);
      expect(machine.type).toBe(workflow.type);
      expect(machine.definition).not.toContain('${');
    }
    const smoke = await sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: deployment.stateMachines['smoke-check'] }),
    );
    expect(smoke.definition).toContain('"TableName": "wf-approvals"');
  });

  it('runs the smoke check against the local tables and PostgreSQL, and it reports healthy', async () => {
    const sfn = new SFNClient(cloud.sdkConfig('SFN'));
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: deployment.stateMachines['smoke-check'], input: '{}' }),
    );
    let execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    for (let i = 0; i < 500 && execution.status === 'RUNNING'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    }
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    const output = smokeCheck.output.parse(JSON.parse(execution.output ?? 'null'));
    expect(output.healthy).toBe(true);
    expect(output.checks.map((c) => c.name)).toEqual([...Object.keys(TABLES), 'app']);
    expect(output.checks.at(-1)?.detail).toMatch(/^PostgreSQL \d+/);
  });

  it('creates a schedule for every schedule-started workflow, targeting its state machine', async () => {
    const scheduled = WORKFLOWS.filter((w) => w.startedBy.kind === 'schedule');
    expect(deployment.schedules.map((s) => s.name)).toEqual(scheduled.map((w) => `wf-${w.name}`));
    const scheduler = new SchedulerClient(cloud.sdkConfig('SCHEDULER'));
    for (const workflow of scheduled) {
      const got = await scheduler.send(
        new GetScheduleCommand({ Name: `wf-${workflow.name}`, GroupName: `wf-${workflow.name}` }),
      );
      expect(got.Target?.Arn).toBe(deployment.stateMachines[workflow.name]);
      expect(got.Target?.DeadLetterConfig?.Arn).toBe(
        `arn:aws:sqs:us-east-1:111111111111:wf-${workflow.name}-schedule-dlq`,
      );
    }
    scheduler.destroy();
  });

  it('is idempotent: deploying again changes nothing and returns the same ARNs', async () => {
    const again = await deployLocally(cloud);
    expect(again.stateMachines).toEqual(deployment.stateMachines);
  }, 60_000);

  it("refuses to change a state machine's type and says how to start over", async () => {
    const express = { ...smokeCheck, type: 'EXPRESS' as const };
    await expect(deployLocally(cloud, { workflows: [express] })).rejects.toThrow(LocalDeployError);
    await expect(deployLocally(cloud, { workflows: [express] })).rejects.toThrow(/wf up --fresh/);
  }, 60_000);
});
