/**
 * The operator console: state machines, executions and the data the processes keep, in a
 * browser. A client of the public AWS APIs only, so it runs against the local cloud (`wf up`
 * starts it) and, read-only, against a real AWS account (`wf console --region <r>`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PipesClient } from '@aws-sdk/client-pipes';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ConsoleClients, ConsoleContext } from './context.ts';
import { answerTaskAction, redriveAction, stopAction } from './pages/actions.ts';
import { DATA_ROUTES } from './pages/data-routes.ts';
import { executionPage } from './pages/execution.ts';
import { executionsPage } from './pages/executions.ts';
import { startAction } from './pages/start.ts';
import { stateMachinePage, stateMachinesPage } from './pages/state-machines.ts';
import { type ConsoleRoute, type ConsoleServer, startConsoleServer } from './server.ts';

export type { ConsoleContext } from './context.ts';
export type { ConsoleServer } from './server.ts';

/** How to reach one service: the SDK client configuration (a local endpoint, or AWS's). */
export interface ClientConfig {
  readonly region: string;
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export interface ConsoleOptions extends Omit<ConsoleContext, 'clients' | 'csrf'> {
  /** Each service's client configuration, by the SDK's service id (SFN, DYNAMODB, ...); absent: AWS's default. */
  readonly services: (id: 'SFN' | 'DYNAMODB' | 'SQS' | 'PIPES' | 'SCHEDULER' | 'RDS_DATA') => ClientConfig;
  readonly host?: string;
  readonly port?: number;
  readonly log?: (line: string) => void;
}

export const CONSOLE_ROUTES: readonly ConsoleRoute[] = [
  { method: 'GET', path: /^\/state-machines$/, handler: stateMachinesPage },
  { method: 'GET', path: /^\/state-machine$/, handler: stateMachinePage },
  { method: 'GET', path: /^\/executions$/, handler: executionsPage },
  { method: 'GET', path: /^\/execution$/, handler: executionPage },
  { method: 'POST', path: /^\/actions\/start$/, handler: startAction },
  { method: 'POST', path: /^\/actions\/stop$/, handler: stopAction },
  { method: 'POST', path: /^\/actions\/redrive$/, handler: redriveAction },
  { method: 'POST', path: /^\/actions\/answer-task$/, handler: answerTaskAction },
  ...DATA_ROUTES,
];

export function consoleClients(services: ConsoleOptions['services']): ConsoleClients {
  return {
    // A local endpoint serves TestState itself: without this the SDK sends it to a `sync-` host.
    sfn: new SFNClient({ ...services('SFN'), disableHostPrefix: services('SFN').endpoint !== undefined }),
    dynamodb: new DynamoDBClient(services('DYNAMODB')),
    sqs: new SQSClient(services('SQS')),
    pipes: new PipesClient(services('PIPES')),
    scheduler: new SchedulerClient(services('SCHEDULER')),
    rdsData: new RDSDataClient(services('RDS_DATA')),
  };
}

export async function startConsole(options: ConsoleOptions): Promise<ConsoleServer> {
  const { services, host, port, log, ...context } = options;
  const clients = consoleClients(services);
  const server = await startConsoleServer({
    context: { ...context, clients },
    routes: CONSOLE_ROUTES,
    ...(host !== undefined ? { host } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(log ? { log } : {}),
  });
  return {
    ...server,
    close: async () => {
      await server.close();
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}
