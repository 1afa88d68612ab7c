/** The app's stacks on an App, with cdk-nag applied: the entry point and the tests build it the same way. */
import type { App } from 'aws-cdk-lib';
import type { Workflow } from '../workflows/index.ts';
import { readConfig } from './config.ts';
import { DataStack } from './data-stack.ts';
import { applyNag } from './nag.ts';
import { WorkflowsStack } from './workflows-stack.ts';

export interface ProjectStacks {
  readonly app: App;
  readonly data: DataStack;
  readonly workflows: WorkflowsStack;
}

export function buildApp(app: App, options: { workflows?: readonly Workflow[] } = {}): ProjectStacks {
  const config = readConfig(app);
  const env = {
    ...(config.account ? { account: config.account } : {}),
    ...(config.region ? { region: config.region } : {}),
  };
  const data = new DataStack(app, `${config.prefix}-data`, {
    env,
    description: 'jsonata-workflows: tables, database, sender identity and their key.',
    senderAddress: config.senderAddress,
    retainData: config.retainData,
  });
  const workflows = new WorkflowsStack(app, `${config.prefix}-workflows`, {
    env,
    description: 'jsonata-workflows: the JSONata state machines.',
    prefix: config.prefix,
    data,
    retainData: config.retainData,
    settings: config.settings,
    ...(options.workflows ? { workflows: options.workflows } : {}),
  });
  applyNag(app);
  return { app, data, workflows };
}
