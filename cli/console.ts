/**
 * `wf console`: the operator console against a real AWS account, read-only (no start, stop,
 * redrive or task answers; masked values stay masked), with the credentials and region the AWS
 * SDK finds as usual (AWS_PROFILE, AWS_REGION, SSO, instance roles). `wf up` starts the same
 * console against the local cloud.
 */
import { startConsole } from '../local/console/index.ts';
import { UsageError } from './errors.ts';

interface Parsed {
  values: {
    region?: string | undefined;
    prefix?: string | undefined;
    port?: string | undefined;
    host?: string | undefined;
    'database-arn'?: string | undefined;
    'secret-arn'?: string | undefined;
    database?: string | undefined;
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export async function consoleCommand({ values }: Parsed): Promise<number> {
  const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('Which region? Give --region <region> (or set AWS_REGION).');
  const port = Number(values.port ?? 8080);
  if (!/^\d+$/.test(values.port ?? '8080') || port > 65535)
    throw new UsageError(`--port must be a port number from 0 to 65535, not '${values.port}'.`);
  const database = [values['database-arn'], values['secret-arn'], values.database];
  if (database.some((v) => v !== undefined) && database.some((v) => v === undefined)) {
    throw new UsageError('The PostgreSQL view needs all three: --database-arn, --secret-arn and --database.');
  }
  const host = values.host ?? '127.0.0.1';
  const server = await startConsole({
    mode: 'aws',
    region,
    prefix: values.prefix ?? 'wf-',
    services: () => ({ region }),
    host,
    port,
    ...(values['database-arn'] && values['secret-arn'] && values.database
      ? {
          database: {
            resourceArn: values['database-arn'],
            secretArn: values['secret-arn'],
            database: values.database,
          },
        }
      : {}),
  });
  const out = process.stdout;
  out.write(`Console (read-only) for AWS ${region}: ${server.endpoint}\n`);
  if (process.env.AWS_ENDPOINT_URL)
    out.write(`  AWS_ENDPOINT_URL is set: every call goes to ${process.env.AWS_ENDPOINT_URL}, not to AWS.\n`);
  if (!LOOPBACK.has(host)) {
    out.write(
      `  Listening on ${host}: the console has no sign-in; anyone who reaches this address reads your executions.\n`,
    );
  }
  out.write('Ctrl-C stops it.\n');
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => resolve());
  });
  await server.close();
  return 0;
}
