/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy` (cdk.json runs this file). Settings come from
 * context (`-c prefix=wf -c senderAddress=ops@example.com`) and the environment; see config.ts.
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from './stacks.ts';

buildApp(new App()).app.synth();
