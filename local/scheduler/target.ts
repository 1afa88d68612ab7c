/**
 * What a firing does: StartExecution of the schedule's state machine, with the context
 * attributes substituted in Target.Input, and, once the retries are spent, the dead-letter event
 * sent to the schedule's SQS queue.
 *
 * Context attributes (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html):
 * `<aws.scheduler.schedule-arn>`, `<aws.scheduler.scheduled-time>`, `<aws.scheduler.execution-id>`,
 * `<aws.scheduler.attempt-number>`, replaced wherever they appear in the input text.
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type ScheduleTarget, UNIVERSAL_START_EXECUTION } from './params.ts';

export interface FiringContext {
  readonly scheduleArn: string;
  /** Epoch ms of the scheduled (nominal) time, before any flexible-window offset. */
  readonly scheduledTime: number;
  readonly executionId: string;
  readonly attempt: number;
}

/** The time as the scheduled-time attribute writes it: ISO 8601 in UTC, to the second. */
export const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function substitute(input: string, context: FiringContext): string {
  return input
    .replaceAll('<aws.scheduler.schedule-arn>', context.scheduleArn)
    .replaceAll('<aws.scheduler.scheduled-time>', isoSeconds(context.scheduledTime))
    .replaceAll('<aws.scheduler.execution-id>', context.executionId)
    .replaceAll('<aws.scheduler.attempt-number>', String(context.attempt));
}

/** A failed invocation: the target's error code and message, as the dead-letter event carries them. */
export class TargetFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TargetFailure';
  }
}

export interface Targets {
  /** Starts the execution; answers its ARN or throws a TargetFailure. */
  invoke(target: ScheduleTarget, context: FiringContext): Promise<string>;
  /** Sends the dead-letter event to the queue the ARN names. */
  deadLetter(queueArn: string, body: string, attributes: Readonly<Record<string, string>>): Promise<void>;
  close(): void;
}

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The targets reached through the local cloud's endpoints (the edge serves both). */
export function localTargets(region: string, endpoints: { sfn: () => string; sqs: () => string }): Targets {
  let sfn: SFNClient | undefined;
  let sqs: SQSClient | undefined;
  const urls = new Map<string, string>();
  return {
    async invoke(target, context) {
      sfn ??= new SFNClient({ region, endpoint: endpoints.sfn(), credentials: CREDENTIALS });
      const text = target.Input === undefined ? undefined : substitute(target.Input, context);
      let request: { stateMachineArn: string; input?: string; name?: string };
      if (target.Arn === UNIVERSAL_START_EXECUTION) {
        const parsed = JSON.parse(text ?? '{}') as {
          StateMachineArn: string;
          Input?: unknown;
          Name?: string;
        };
        request = {
          stateMachineArn: parsed.StateMachineArn,
          ...(parsed.Input === undefined
            ? {}
            : { input: typeof parsed.Input === 'string' ? parsed.Input : JSON.stringify(parsed.Input) }),
          ...(parsed.Name === undefined ? {} : { name: parsed.Name }),
        };
      } else request = { stateMachineArn: target.Arn, ...(text === undefined ? {} : { input: text }) };
      try {
        const answer = await sfn.send(new StartExecutionCommand(request));
        return answer.executionArn ?? '';
      } catch (error) {
        const e = error as { name?: string; message?: string };
        throw new TargetFailure(e.name ?? 'Error', e.message ?? String(error));
      }
    },
    async deadLetter(queueArn, body, attributes) {
      sqs ??= new SQSClient({ region, endpoint: endpoints.sqs(), credentials: CREDENTIALS });
      let url = urls.get(queueArn);
      if (url === undefined) {
        const [, , , , account, name] = queueArn.split(':');
        const answer = await sqs.send(
          new GetQueueUrlCommand({
            QueueName: name,
            ...(account ? { QueueOwnerAWSAccountId: account } : {}),
          }),
        );
        url = answer.QueueUrl ?? '';
        urls.set(queueArn, url);
      }
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: body,
          MessageAttributes: Object.fromEntries(
            Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
          ),
        }),
      );
    },
    close() {
      sfn?.destroy();
      sqs?.destroy();
    },
  };
}
