/** `wf up`: the local cloud with the whole project deployed into it, in the foreground, until Ctrl-C. */
import { startLocalApp } from '../local/app.ts';
import { UsageError } from './errors.ts';

interface Parsed {
  values: {
    'data-dir'?: string | undefined;
    fresh?: boolean | undefined;
    quiet?: boolean | undefined;
    port?: string | undefined;
  };
}

/** The edge endpoint's port: the one users of local AWS emulators already know. */
const DEFAULT_EDGE_PORT = 4566;

/** What stops it: Ctrl-C, `kill`, and a closed terminal (bin/wf.js forwards all three). */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export async function upCommand({ values }: Parsed): Promise<number> {
  const started = Date.now();
  const edgePort = values.port === undefined ? DEFAULT_EDGE_PORT : Number(values.port);
  if (!/^\d+$/.test(values.port ?? '0') || edgePort > 65535)
    throw new UsageError(
      `--port must be a port number from 0 to 65535 (0 picks a free one), not '${values.port}'.`,
    );
  const out = process.stdout;
  // Listening before anything starts and until the process ends: Node's default for these signals
  // ends the process at once and would leave PostgreSQL running. A signal during the start stops
  // the cloud once it is up. One during the stop asks for the stop already under way (Ctrl-C under
  // `npm start` arrives twice: from the terminal and forwarded by npm), so nothing is cut short.
  // One after it (while open sockets wind down) ends the process with this command's status.
  let requested = false;
  let running = false;
  let finished = false;
  let stopRequested: () => void = () => {};
  const stop = new Promise<void>((resolve) => {
    stopRequested = resolve;
  });
  let told = false;
  const onSignal = (): void => {
    if (finished) {
      process.exit();
    } else if (!requested) {
      requested = true;
      if (!running) out.write('Stopping as soon as every service has started...\n');
      stopRequested();
    } else if (!told) {
      told = true;
      out.write('Already stopping: waiting for every service to stop cleanly...\n');
    }
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  try {
    const app = await startLocalApp({
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      ...(values.fresh ? { fresh: true } : {}),
      edgePort,
      log: values.quiet ? () => {} : (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
    });
    running = true;
    if (!requested) printReady(app, Date.now() - started);
    await stop;
    out.write('\nStopping: running executions are kept and resume on the next start...\n');
    await app.close();
    out.write('Stopped.\n');
    return 0;
  } finally {
    finished = true;
  }
}

function printReady(app: Awaited<ReturnType<typeof startLocalApp>>, ms: number): void {
  const out = process.stdout;
  const { cloud, deployment, demo } = app;
  out.write(`Local cloud ready in ${ms} ms. Data: ${cloud.dataDir}\n\n`);
  out.write(
    `  Console: ${app.console.endpoint}  (executions, graphs, history, mail, tables; loopback only)\n\n`,
  );
  const width = Math.max(...cloud.services.map((s) => s.id.length), 'OAuth provider'.length);
  out.write(`  ${'every service'.padEnd(width)}  ${cloud.edge}  (AWS_ENDPOINT_URL)\n`);
  for (const service of cloud.services) out.write(`  ${service.id.padEnd(width)}  ${service.endpoint}\n`);
  out.write(`  ${'HTTP routes'.padEnd(width)}  ${app.http.endpoint}  (the API Gateway stand-in)\n`);
  out.write(
    `  ${'OAuth provider'.padEnd(width)}  ${app.oauthProvider.issuer}  (the sandbox provider users connect to)\n`,
  );
  out.write('\nDeployed from workflows/ and tasks/ (the same declarations the CDK app deploys):\n\n');
  for (const [table, name] of Object.entries(deployment.tables))
    out.write(`  table          ${name}  (${table})\n`);
  for (const arn of Object.values(deployment.stateMachines)) out.write(`  state machine  ${arn}\n`);
  for (const pipe of deployment.pipes) out.write(`  pipe           ${pipe}\n`);
  for (const schedule of deployment.schedules)
    out.write(`  schedule       ${schedule.name}  (${schedule.expression}, ${schedule.timezone})\n`);
  const database = deployment.resolve({ kind: 'database-name' });
  out.write(
    `  database       ${database}  (--resource-arn ${deployment.resolve({ kind: 'database-cluster-arn' })} --secret-arn ${deployment.resolve({ kind: 'database-secret-arn' })})\n`,
  );
  out.write(`  user pool      ${deployment.userPoolId}  (app client ${deployment.userPoolClientId})\n`);
  if (demo) {
    const web = app.http.endpoint;
    const steps = [
      [`1. sign up as a member of ${demo.company}`, `${web}/signup`],
      [
        '2. in the outbox, confirm the address, then open the approval email',
        `${app.console.endpoint}/data/outbox`,
      ],
    ];
    const pad = Math.max(...steps.map(([label]) => (label ?? '').length));
    out.write('\nTry the sign-up approval in a browser:\n\n');
    for (const [label, url] of steps) out.write(`  ${(label ?? '').padEnd(pad)}  ${url}\n`);
    out.write(
      '  3. on the approval page, sign in as the demo admin and approve:\n' +
        `       email     ${demo.email}\n       password  ${demo.password}\n`,
    );
  }
  if (demo) {
    const [account] = app.oauthProvider.accounts;
    out.write(
      '\nTry OAuth onboarding in a browser:\n\n' +
        `  1. sign in as the demo admin and connect           ${app.http.endpoint}/connections\n` +
        `  2. at the sandbox provider, sign in and allow      ${account?.username} / ${account?.password}\n` +
        '  3. back on the page: your resources, active and skipped\n',
    );
  }
  out.write('\nTo use it from another shell (AWS CLI or any AWS SDK):\n\n');
  for (const [key, value] of Object.entries(cloud.environment)) out.write(`  export ${key}=${value}\n`);
  out.write('\nCtrl-C stops it; data is kept (wf up --fresh starts clean).\n');
}
