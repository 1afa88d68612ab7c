/** `wf up`: the local cloud in the foreground, until Ctrl-C. */
import { startLocalCloud } from '../local/cloud.ts';
import { deployLocally } from '../local/deploy.ts';

interface Parsed {
  values: { 'data-dir'?: string | undefined; fresh?: boolean | undefined; quiet?: boolean | undefined };
}

export async function upCommand({ values }: Parsed): Promise<number> {
  const started = Date.now();
  const cloud = await startLocalCloud({
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(values.fresh ? { fresh: true } : {}),
    log: values.quiet ? () => {} : (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
  });
  let deployment: Awaited<ReturnType<typeof deployLocally>>;
  try {
    deployment = await deployLocally(cloud);
  } catch (error) {
    await cloud.close();
    throw error;
  }
  const out = process.stdout;
  out.write(`Local cloud ready in ${Date.now() - started} ms. Data: ${cloud.dataDir}\n\n`);
  const width = Math.max(...cloud.services.map((s) => s.id.length));
  for (const service of cloud.services) out.write(`  ${service.id.padEnd(width)}  ${service.endpoint}\n`);
  out.write('\nDeployed from workflows/ (the same declarations the CDK app deploys):\n\n');
  for (const [table, name] of Object.entries(deployment.tables))
    out.write(`  table          ${name}  (${table})\n`);
  for (const arn of Object.values(deployment.stateMachines)) out.write(`  state machine  ${arn}\n`);
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
  await cloud.close();
  out.write('Stopped.\n');
  return 0;
}
