import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What every service of the local cloud is: an AWS-compatible endpoint on loopback that the
 * official AWS SDK v3 clients talk to with nothing changed but the endpoint.
 */

export interface LocalServiceOptions {
  /** The directory this service keeps its data in (a subdirectory of the cloud's data dir). */
  readonly dataDir: string;
  /** The port to listen on; 0 (the default) picks a free one. */
  readonly port?: number;
  /** The address to listen on; loopback only by default. */
  readonly host?: string;
  /** Region the service reports in ARNs (default us-east-1). */
  readonly region?: string;
  /** Account the service reports in ARNs (default 111111111111). */
  readonly account?: string;
  /** Where the service writes its log lines (never secrets: tokens, passwords, codes). */
  readonly log?: (line: string) => void;
}

export interface LocalService {
  /** The SDK's service id as in AWS_ENDPOINT_URL_<ID>, e.g. `SSM`, `DYNAMODB`, `RDS_DATA`, `SFN`. */
  readonly id: string;
  /** e.g. `http://127.0.0.1:45123`. */
  readonly endpoint: string;
  /** Stops listening and releases what the service holds; safe to call twice. */
  close(): Promise<void>;
}

/** The environment variable the AWS SDKs read for one service's endpoint. */
export function endpointVariable(id: string): string {
  return `AWS_ENDPOINT_URL_${id}`;
}

/** A started HTTP server's endpoint, and a stop that is safe to call twice. */
export interface Listening {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts `server` on the options' host and port (loopback and a free port by default) and
 * answers its endpoint. A port already taken rejects instead of crashing the process.
 */
export async function listen(
  server: Server,
  options: Pick<LocalServiceOptions, 'host' | 'port'>,
): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${address.port}`,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections from SDK clients would hold close() open until they time out.
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

/** Names and messages of an error chain, for a log line: never request data (it may hold secrets). */
export function describeFailure(error: unknown): string {
  const parts: string[] = [];
  for (let at: unknown = error; at instanceof Error && parts.length < 5; at = at.cause) {
    parts.push(`${at.name}: ${at.message}`);
  }
  return parts.join(' <- ') || String(error);
}

/**
 * An answer a local service sends on the wire in AWS's own terms: `type` is the error code the
 * SDK turns into an exception class, `status` the HTTP status the service model gives it, and
 * `extra` the members the exception carries besides its message (DynamoDB's
 * `CancellationReasons`, the Data API's `dbConnectionId`). Each service extends it with its wire
 * format (a JSON body with `__type`, an `x-amzn-ErrorType` header, a query-protocol XML document).
 */
export class LocalApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    // A type may carry a namespace (`com.amazon.coral.service#UnknownOperationException`); the
    // SDKs name the exception by the part after `#`.
    this.name = type.slice(type.indexOf('#') + 1);
  }
}
