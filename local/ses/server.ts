import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { endpointVariable, type LocalService, type LocalServiceOptions, listen } from '../service.ts';
import { SesApiError, SesError } from './errors.ts';
import { handle, sendError } from './private/front.ts';
import { OutboxFile, type SentEmail, storeSchema, toSentEmail } from './private/outbox.ts';

export type { SentEmail } from './private/outbox.ts';

export interface LocalSes extends LocalService {
  readonly id: 'SESV2';
  /** Every email this endpoint accepted (SES v1 and v2), oldest first, including those from earlier runs. */
  outbox(): Promise<SentEmail[]>;
  /** The endpoint variables the AWS SDKs read, SES v2's and SES v1's, both set to this service. */
  readonly environment: Readonly<Record<string, string>>;
}

/** The local-only route that lists the outbox as `{ emails: SentEmail[] }`, oldest first. */
export const LOCAL_OUTBOX_PATH = '/_local/outbox';

type LibraryServer = (config: { host: string; port: number }) => Promise<Server>;
// Loaded with require: the package is CommonJS with `exports.default`, which Node's ESM loader,
// tsx and vitest expose differently to `import`.
const { default: libraryServer } = createRequire(import.meta.url)('aws-ses-v2-local') as {
  default: LibraryServer;
};

/** aws-ses-v2-local's own server, on an internal loopback port behind the front. */
async function startLibrary(): Promise<{ server: Server; endpoint: string }> {
  // The library resolves even when listen fails (Express 5 hands the error to the callback).
  const server = await libraryServer({ host: '127.0.0.1', port: 0 });
  if (!server.listening) throw new SesError('aws-ses-v2-local could not listen on 127.0.0.1.');
  const { port } = server.address() as AddressInfo;
  return { server, endpoint: `http://127.0.0.1:${port}` };
}

/**
 * Starts the local SES endpoint: SES v2 is aws-ses-v2-local in process, behind a front that adds
 * the checks it lacks and names its errors as AWS does; SES v1's SendEmail and SendRawEmail are
 * served by the front itself on the same port. Each accepted email goes to
 * `<dataDir>/outbox.jsonl`, and `GET /_local/outbox` lists them as JSON. Point the SDKs at it with `AWS_ENDPOINT_URL_SESV2` and
 * `AWS_ENDPOINT_URL_SES` (see `environment`).
 */
export async function startSes(options: LocalServiceOptions): Promise<LocalSes> {
  const log = options.log ?? (() => {});
  if (process.env.SMTP_TRANSPORT?.trim()) {
    // The library reads this from the process environment and relays every email through it.
    log('ses: SMTP_TRANSPORT is set, so aws-ses-v2-local will also relay mail over SMTP');
  }
  const outbox = new OutboxFile(options.dataDir);
  const library = await startLibrary();
  const record = async (messageId: string, since: number): Promise<void> => {
    const response = await fetch(`${library.endpoint}/store?since=${since}`);
    const stored = storeSchema.parse(await response.json()).emails.find((e) => e.messageId === messageId);
    if (stored === undefined) {
      throw new SesError(`aws-ses-v2-local accepted ${messageId} but its store does not list it.`);
    }
    await outbox.append(toSentEmail(stored));
  };
  const front = createServer((req, res) => {
    // Local only (SES has no API that lists sent mail): the outbox as JSON, for the console.
    if (req.method === 'GET' && req.url?.split('?')[0] === LOCAL_OUTBOX_PATH) {
      outbox.read().then(
        (emails) => {
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          res.end(JSON.stringify({ emails }));
        },
        (cause: unknown) => {
          log(`ses: ${LOCAL_OUTBOX_PATH} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
          sendError(
            req,
            res,
            new SesApiError('InternalFailure', 'The local SES outbox cannot be read; see its log.', 500),
          );
        },
      );
      return;
    }
    const keep = (email: SentEmail) => outbox.append(email);
    handle({ backend: library.endpoint, onSent: record, keep }, req, res).catch((cause: unknown) => {
      log(`ses: ${req.method} ${req.url} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
      if (!res.headersSent) {
        sendError(
          req,
          res,
          new SesApiError('InternalFailure', 'The local SES endpoint failed; see its log.', 500),
        );
      } else res.end();
    });
  });
  const closeLibrary = () =>
    new Promise<void>((resolve) => {
      library.server.close(() => resolve());
      library.server.closeAllConnections();
    });
  let listening: Awaited<ReturnType<typeof listen>>;
  try {
    listening = await listen(front, options);
  } catch (cause) {
    await closeLibrary();
    throw cause;
  }
  log(`ses: listening on ${listening.endpoint} (aws-ses-v2-local at ${library.endpoint})`);
  let closed: Promise<void> | undefined;
  return {
    id: 'SESV2',
    endpoint: listening.endpoint,
    environment: {
      [endpointVariable('SESV2')]: listening.endpoint,
      [endpointVariable('SES')]: listening.endpoint,
    },
    outbox: () => outbox.read(),
    close: () => {
      closed ??= Promise.all([listening.stop(), closeLibrary()]).then(() => undefined);
      return closed;
    },
  };
}
