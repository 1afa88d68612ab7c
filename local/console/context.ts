/**
 * What every console page is given: the AWS SDK clients of the account it inspects (the local
 * cloud's endpoints, or a real region read-only), and whether local-only tools may show. The
 * console is a client of the public AWS APIs only: nothing here reaches into the engine.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PipesClient } from '@aws-sdk/client-pipes';
import type { RDSDataClient } from '@aws-sdk/client-rds-data';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SQSClient } from '@aws-sdk/client-sqs';

export interface ConsoleClients {
  readonly sfn: SFNClient;
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly pipes: PipesClient;
  readonly scheduler: SchedulerClient;
  readonly rdsData: RDSDataClient;
}

/** The PostgreSQL projection, reached through the RDS Data API. */
export interface ConsoleDatabase {
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly database: string;
}

export interface ConsoleContext {
  /**
   * `local`: the local cloud; operator tools (answering task tokens, revealing masked values,
   * the SES outbox) show. `aws`: a real account, read-only: no action that changes anything.
   */
  readonly mode: 'local' | 'aws';
  readonly region: string;
  readonly clients: ConsoleClients;
  /** Only resources whose names start with this are listed (e.g. `wf-`); empty lists all. */
  readonly prefix: string;
  readonly database?: ConsoleDatabase;
  /** The console's per-process token: every form that changes something carries it (`actionForm`). */
  readonly csrf: string;
  /** Local only: the local SES endpoint, whose `GET /_local/outbox` lists the mail it accepted. */
  readonly sesEndpoint?: string;
}

/** A request as a page sees it. */
export interface ConsoleRequest {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  /** POST: the form fields (application/x-www-form-urlencoded), already parsed. */
  readonly form: URLSearchParams;
}

/** What a page answers: HTML to put inside the layout, or a redirect after a POST. */
export type ConsoleResponse =
  | {
      readonly kind: 'page';
      readonly status?: number;
      /** Plain text; the layout escapes it. */
      readonly title: string;
      /** Which navigation entry is current (its href, e.g. `/state-machines`). */
      readonly section: string;
      /** HTML with everything from outside already escaped. */
      readonly main: string;
    }
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'json'; readonly status?: number; readonly body: unknown };

export type ConsoleHandler = (ctx: ConsoleContext, request: ConsoleRequest) => Promise<ConsoleResponse>;

/** A failure a page reports to the operator (an AWS error, bad input), shown instead of the page. */
export class ConsoleError extends Error {
  override name = 'ConsoleError';
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Refuses, with 403, what the console offers for the local cloud only (it is read-only against AWS). */
export function requireLocal(ctx: Pick<ConsoleContext, 'mode'>, what: string): void {
  if (ctx.mode !== 'local')
    throw new ConsoleError(
      `The console is read-only against AWS: ${what} is offered for the local cloud only.`,
      403,
    );
}
