/**
 * One runner per RUNNING pipe: started when a pipe is created or started (and for every
 * RUNNING pipe when the service starts), restarted when it is updated, stopped when it is
 * stopped or deleted. Runners share the SDK clients.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DeadLetterQueue } from './dlq.ts';
import { streamSettings } from './params.ts';
import { PipeRunner, type PipeStatus } from './runner.ts';
import type { PipeStore, StoredPipe } from './store.ts';
import { StreamsClient } from './streams.ts';
import { invokeStateMachine } from './target.ts';

export interface Endpoints {
  /** DynamoDB Streams, Step Functions and SQS endpoints (the edge serves all three). */
  readonly streams: () => string;
  readonly sfn: () => string;
  readonly sqs: () => string;
}

export interface SupervisorOptions {
  readonly store: PipeStore;
  readonly endpoints: Endpoints;
  readonly region: string;
  readonly now: () => number;
  readonly log: (line: string) => void;
  readonly pollIntervalMs: number;
  readonly retryDelayMs: number;
}

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export class Supervisor {
  private readonly runners = new Map<string, PipeRunner>();
  private readonly stopped = new Map<string, PipeStatus>();
  private sfn: SFNClient | undefined;
  private sqs: SQSClient | undefined;

  constructor(private readonly options: SupervisorOptions) {}

  private sfnClient(): SFNClient {
    // disableHostPrefix: the SDK would send StartSyncExecution to a `sync-` host.
    this.sfn ??= new SFNClient({
      region: this.options.region,
      endpoint: this.options.endpoints.sfn(),
      credentials: CREDENTIALS,
      disableHostPrefix: true,
    });
    return this.sfn;
  }

  private sqsClient(): SQSClient {
    this.sqs ??= new SQSClient({
      region: this.options.region,
      endpoint: this.options.endpoints.sqs(),
      credentials: CREDENTIALS,
    });
    return this.sqs;
  }

  async apply(name: string, pipe: StoredPipe | undefined): Promise<void> {
    const current = this.runners.get(name);
    if (current) {
      await current.stop();
      this.stopped.set(name, current.status());
      this.runners.delete(name);
    }
    if (pipe === undefined) this.stopped.delete(name);
    if (pipe === undefined || pipe.DesiredState !== 'RUNNING') return;
    const settings = streamSettings(pipe.SourceParameters);
    const criteria = pipe.SourceParameters?.FilterCriteria as { Filters?: { Pattern: string }[] } | undefined;
    const target = pipe.Target;
    const runner = new PipeRunner(
      {
        name,
        arn: pipe.Arn,
        streamArn: pipe.Source,
        settings,
        filters: (criteria?.Filters ?? []).map((f) => f.Pattern),
      },
      {
        store: this.options.store,
        streams: new StreamsClient(this.options.endpoints.streams),
        invoke: (sequenceNumbers, input) =>
          invokeStateMachine(this.sfnClient(), target, sequenceNumbers, input),
        ...(settings.deadLetterArn
          ? { deadLetter: new DeadLetterQueue(this.sqsClient(), settings.deadLetterArn) }
          : {}),
        now: this.options.now,
        log: this.options.log,
        pollIntervalMs: this.options.pollIntervalMs,
        retryDelayMs: this.options.retryDelayMs,
      },
    );
    this.runners.set(name, runner);
    this.stopped.delete(name);
    runner.start();
  }

  status(name: string): PipeStatus | undefined {
    return this.runners.get(name)?.status() ?? this.stopped.get(name);
  }

  async close(): Promise<void> {
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
    this.runners.clear();
    this.sfn?.destroy();
    this.sqs?.destroy();
  }
}
