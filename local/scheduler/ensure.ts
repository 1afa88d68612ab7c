/**
 * Deploys one schedule idempotently, as `wf up` deploys state machines and pipes: created when
 * absent, replaced in full with UpdateSchedule when its declaration changed (UpdateSchedule
 * replaces every member, as on AWS), left alone otherwise (so its runner keeps its place).
 */
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  GetScheduleCommand,
  type GetScheduleCommandOutput,
  ResourceNotFoundException,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';

export type ScheduleDeclaration = CreateScheduleCommandInput & { Name: string };

export type EnsureScheduleOutcome = 'created' | 'updated' | 'unchanged';

/** JSON with object keys sorted, so two equal declarations compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

const COMPARED = [
  'Description',
  'ScheduleExpression',
  'ScheduleExpressionTimezone',
  'FlexibleTimeWindow',
  'Target',
  'State',
  'ActionAfterCompletion',
] as const;

/** The declaration as GetSchedule would show it (AWS's defaults filled in). */
function normalized(d: ScheduleDeclaration): Record<string, unknown> {
  return {
    Description: d.Description,
    ScheduleExpression: d.ScheduleExpression,
    ScheduleExpressionTimezone: d.ScheduleExpressionTimezone ?? 'UTC',
    FlexibleTimeWindow: d.FlexibleTimeWindow,
    Target: {
      ...d.Target,
      RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185, ...d.Target?.RetryPolicy },
    },
    State: d.State ?? 'ENABLED',
    ActionAfterCompletion: d.ActionAfterCompletion ?? 'NONE',
  };
}

export async function ensureSchedule(
  client: SchedulerClient,
  declaration: ScheduleDeclaration,
): Promise<EnsureScheduleOutcome> {
  let current: GetScheduleCommandOutput;
  try {
    current = await client.send(
      new GetScheduleCommand({ Name: declaration.Name, GroupName: declaration.GroupName ?? 'default' }),
    );
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(new CreateScheduleCommand(declaration));
    return 'created';
  }
  const wanted = normalized(declaration);
  const same = COMPARED.every((field) => canonical(current[field]) === canonical(wanted[field]));
  if (same) return 'unchanged';
  await client.send(new UpdateScheduleCommand(declaration));
  return 'updated';
}
