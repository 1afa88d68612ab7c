/**
 * `/data/pipes`: each EventBridge pipe whose name starts with the console's prefix (ListPipes,
 * DescribePipe): state, source stream → target, batch size, the dead-letter queue and its depth
 * (SQS GetQueueUrl + GetQueueAttributes), and the lag.
 *
 * The lag, decided: what an operator wants is how far behind its stream a pipe is. The Pipes API
 * does not say, and the DynamoDB Streams API cannot either: a pipe's position (its checkpoint
 * per shard) is internal to the service, so counting records from it is impossible from outside.
 * AWS does not publish an iterator-age metric for pipes either (the AWS/EventBridge/Pipes
 * namespace has EventCount, Invocations, ExecutionFailed, TargetStageFailed, Duration, ...).
 * So: locally, the page reads what the local runner knows from the local Pipes endpoint's own
 * route `GET /local/pipes/<name>/status` (records read and not yet done with, the age of the
 * oldest of them, the last invocation, the last error); on AWS it names the metrics to watch.
 */
import { DescribePipeCommand, type DescribePipeResponse, ListPipesCommand } from '@aws-sdk/client-pipes';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import type { ConsoleContext, ConsoleHandler } from '../context.ts';
import { duration, escapeHtml, status, table, text, time } from '../html.ts';

const SECTION = '/data/pipes';

/** The AWS/EventBridge/Pipes metrics (dimension PipeName) that stand in for a lag on AWS. */
export const PIPE_METRICS = ['EventCount', 'Invocations', 'ExecutionFailed', 'TargetStageFailed', 'Duration'];

/** What the local runner answers on `GET /local/pipes/<name>/status` (local/pipes/runner.ts PipeStatus). */
const localStatus = z.object({
  state: z.string(),
  lagMs: z.number().optional(),
  pending: z.number().optional(),
  recordsRead: z.number().optional(),
  recordsDelivered: z.number().optional(),
  recordsDeadLettered: z.number().optional(),
  failedInvocations: z.number().optional(),
  lastInvocationAt: z.number().optional(),
  lastError: z.string().optional(),
});
type LocalStatus = z.infer<typeof localStatus>;

async function pipeNames(ctx: ConsoleContext): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await ctx.clients.pipes.send(
      new ListPipesCommand({ NamePrefix: ctx.prefix || undefined, NextToken: token }),
    );
    names.push(...(page.Pipes ?? []).flatMap((p) => (p.Name ? [p.Name] : [])));
    token = page.NextToken;
  } while (token !== undefined);
  return names.sort();
}

/** `arn:aws:sqs:<region>:<account>:<name>` → the queue's depth, visible and in flight. */
async function queueDepth(ctx: ConsoleContext, arn: string): Promise<{ visible: number; inFlight: number }> {
  const [, , , , account, name] = arn.split(':');
  const { QueueUrl } = await ctx.clients.sqs.send(
    new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }),
  );
  const { Attributes } = await ctx.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

async function dlqCell(ctx: ConsoleContext, arn: string | undefined): Promise<string> {
  if (!arn) return 'none';
  let depth: string;
  try {
    const { visible, inFlight } = await queueDepth(ctx, arn);
    depth = `${visible.toLocaleString('en-US')} message${visible === 1 ? '' : 's'} waiting, ${inFlight.toLocaleString('en-US')} in flight`;
  } catch (error) {
    depth = `depth unknown (${error instanceof Error ? error.name : 'error'})`;
  }
  return `<code>${text(arn, 400)}</code><br><span class="dlq-depth">${escapeHtml(depth)}</span>`;
}

/** The local Pipes endpoint, from the client's own configuration (the console gets no other). */
async function pipesEndpoint(ctx: ConsoleContext): Promise<string | undefined> {
  const provider = ctx.clients.pipes.config.endpoint;
  if (provider === undefined) return undefined;
  const e = await provider();
  return `${e.protocol.replace(/:?$/, ':')}//${e.hostname}${e.port ? `:${e.port}` : ''}`;
}

async function localLag(ctx: ConsoleContext, name: string): Promise<LocalStatus | string> {
  const endpoint = await pipesEndpoint(ctx);
  if (endpoint === undefined) return 'unknown: the Pipes client has no local endpoint.';
  try {
    const response = await fetch(`${endpoint}/local/pipes/${encodeURIComponent(name)}/status`);
    if (!response.ok) return `unknown: the local Pipes endpoint answered ${response.status}.`;
    return localStatus.parse(await response.json());
  } catch (error) {
    return `unknown: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function lagCell(lag: LocalStatus | string): string {
  if (typeof lag === 'string') return text(lag, 300);
  if (lag.state !== 'RUNNING') return 'not running';
  const behind = lag.pending ?? 0;
  const html = [
    escapeHtml(
      behind === 0
        ? 'caught up'
        : `${behind.toLocaleString('en-US')} record${behind === 1 ? '' : 's'} behind, the oldest ${duration(lag.lagMs ?? 0)} old`,
    ),
    `last batch: ${lag.lastInvocationAt === undefined ? 'none yet' : time(new Date(lag.lastInvocationAt))}`,
    escapeHtml(
      `${(lag.recordsDelivered ?? 0).toLocaleString('en-US')} delivered, ${(lag.recordsDeadLettered ?? 0).toLocaleString('en-US')} dead-lettered`,
    ),
  ];
  if (lag.lastError) html.push(`last error: ${text(lag.lastError, 300)}`);
  return html.join('<br>');
}

function awsLagCell(): string {
  return `see the pipe's CloudWatch metrics: namespace <code>AWS/EventBridge/Pipes</code>, dimension <code>PipeName</code>, ${PIPE_METRICS.map((m) => `<code>${m}</code>`).join(', ')} (AWS publishes no record lag for pipes)`;
}

async function pipeRow(ctx: ConsoleContext, pipe: DescribePipeResponse): Promise<string[]> {
  const stream = pipe.SourceParameters?.DynamoDBStreamParameters;
  const [dlq, lag] = await Promise.all([
    dlqCell(ctx, stream?.DeadLetterConfig?.Arn),
    ctx.mode === 'local' ? localLag(ctx, pipe.Name ?? '').then(lagCell) : Promise.resolve(awsLagCell()),
  ]);
  const state = `${status(pipe.CurrentState)} (desired ${text(pipe.DesiredState ?? '', 40)})${
    pipe.StateReason ? `<br>${text(pipe.StateReason, 300)}` : ''
  }`;
  return [
    text(pipe.Name ?? ''),
    state,
    `<code>${text(pipe.Source ?? '', 400)}</code> →<br><code>${text(pipe.Target ?? '', 400)}</code>`,
    escapeHtml(String(stream?.BatchSize ?? pipe.SourceParameters?.SqsQueueParameters?.BatchSize ?? '')),
    dlq,
    lag,
  ];
}

export const pipesPage: ConsoleHandler = async (ctx) => {
  const names = await pipeNames(ctx);
  const pipes = await Promise.all(
    names.map((name) => ctx.clients.pipes.send(new DescribePipeCommand({ Name: name }))),
  );
  const rows = await Promise.all(pipes.map((pipe) => pipeRow(ctx, pipe)));
  const lagNote =
    ctx.mode === 'local'
      ? 'Lag is what the local runner knows: records read from the stream and not yet delivered, filtered out or dead-lettered, and the age of the oldest of them.'
      : 'AWS does not expose how far behind its stream a pipe is; its CloudWatch metrics are the closest signal.';
  return {
    kind: 'page',
    title: 'Pipes',
    section: SECTION,
    main: `<h1>Pipes</h1>
<p>EventBridge pipes whose names start with <code>${text(ctx.prefix || '(any)')}</code>. ${escapeHtml(lagNote)}</p>
${table('Pipes', ['Name', 'State', 'Source → target', 'Batch size', 'Dead-letter queue', 'Lag'], rows, 'none with this prefix.')}`,
  };
};
