/** `wf up`: the local cloud with the whole project deployed into it, in the foreground, until Ctrl-C. */
import { startLocalApp } from '../local/app.ts';

interface Parsed {
  values: { 'data-dir'?: string | undefined; fresh?: boolean | undefined; quiet?: boolean | undefined };
}

export async function upCommand({ values }: Parsed): Promise<number> {
  const started = Date.now();
  const app = await startLocalApp({
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(values.fresh ? { fresh: true } : {}),
    log: values.quiet ? () => {} : (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
  });
  const { cloud, deployment, demo } = app;
  const out = process.stdout;
  out.write(`Local cloud ready in ${Date.now() - started} ms. Data: ${cloud.dataDir}\n\n`);
  const width = Math.max(...cloud.services.map((s) => s.id.length), 'HTTP routes'.length);
  for (const service of cloud.services) out.write(`  ${service.id.padEnd(width)}  ${service.endpoint}\n`);
  out.write(`  ${'HTTP routes'.padEnd(width)}  ${app.http.endpoint}  (the API Gateway stand-in)\n`);
  out.write('\nDeployed from workflows/ and tasks/ (the same declarations the CDK app deploys):\n\n');
  for (const [table, name] of Object.entries(deployment.tables))
    out.write(`  table          ${name}  (${table})\n`);
  for (const arn of Object.values(deployment.stateMachines)) out.write(`  state machine  ${arn}\n`);
  out.write(`  user pool      ${deployment.userPoolId}  (app client ${deployment.userPoolClientId})\n`);
  if (demo) {
    const web = app.http.endpoint;
    const steps = [
      [`1. sign up as a member of ${demo.company}`, `${web}/signup`],
      ['2. open the approval email', `${web}/_local/outbox`],
    ];
    const pad = Math.max(...steps.map(([label]) => (label ?? '').length));
    out.write('\nTry the sign-up approval in a browser:\n\n');
    for (const [label, url] of steps) out.write(`  ${(label ?? '').padEnd(pad)}  ${url}\n`);
    out.write(
      '  3. on the approval page, sign in as the demo admin and approve:\n' +
        `       email     ${demo.email}\n       password  ${demo.password}\n`,
    );
  }
  out.write('\nTo use it from another shell (AWS CLI or any AWS SDK):\n\n');
  for (const [key, value] of Object.entries(cloud.environment)) out.write(`  export ${key}=${value}\n`);
  out.write('\nCtrl-C stops it; data is kept (wf up --fresh starts clean).\n');

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  out.write('\nStopping: running executions are kept and resume on the next start...\n');
  await app.close();
  out.write('Stopped.\n');
  return 0;
}
