/**
 * The whole project on the local cloud, as `npm start` runs it: the services, the tasks' handlers
 * in process (as Lambda functions and Cognito triggers), the HTTP routes (the API Gateway
 * stand-in), everything in workflows/ and tasks/ deployed, and the demo company seeded.
 */
import { join } from 'node:path';
import type { Clock } from '../asl/index.ts';
import { functionName, type Handler, loadHandler, TASKS, timeoutSeconds } from '../tasks/index.ts';
import type { SettingName } from '../workflows/index.ts';
import { type LocalCloud, LocalCloudError, startLocalCloud } from './cloud.ts';
import { type DemoAdmin, seedDemoCompany } from './companies.ts';
import { type ConsoleServer, startConsole } from './console/index.ts';
import { deployLocally, type LocalDeployment } from './deploy.ts';
import { type HttpApi, startHttpApi } from './http/index.ts';
import { type SandboxProvider, startSandboxProvider } from './oauth-provider/index.ts';
import { portOf, portTaken } from './ports.ts';

export interface LocalAppOptions {
  readonly dataDir?: string;
  readonly fresh?: boolean;
  readonly prefix?: string;
  readonly clock?: Clock;
  readonly log?: (line: string) => void;
  /** Seed the demo company and its admin (default true). */
  readonly demo?: boolean;
  /** Deployment settings, as the CDK app's context sets them (workflows/wiring.ts SETTINGS). */
  readonly settings?: Partial<Record<SettingName, string>>;
  /** The edge endpoint's port (`wf up`: 4566); 0 or absent picks a free one. */
  readonly edgePort?: number;
}

export interface LocalApp {
  readonly cloud: LocalCloud;
  readonly deployment: LocalDeployment;
  readonly http: HttpApi;
  /** The sandbox OAuth provider users connect to (the deployment's oauth* settings point at it). */
  readonly oauthProvider: SandboxProvider;
  /** The operator console (loopback only), a client of the local cloud's AWS endpoints. */
  readonly console: ConsoleServer;
  readonly demo?: DemoAdmin;
  close(): Promise<void>;
}

export async function startLocalApp(options: LocalAppOptions = {}): Promise<LocalApp> {
  const prefix = options.prefix ?? 'wf';
  // Filled before the first request: Lambda and Cognito look handlers up by name when invoked.
  const functions: Record<string, Handler> = {};
  const functionTimeouts: Record<string, number> = {};
  for (const task of TASKS) {
    functions[functionName(prefix, task)] = await loadHandler(task);
    functionTimeouts[functionName(prefix, task)] = timeoutSeconds(task) * 1000;
  }
  const cloud = await startLocalCloud({
    functionTimeouts,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.fresh ? { fresh: true } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.edgePort !== undefined ? { edgePort: options.edgePort } : {}),
    functions,
  });
  let deployment: LocalDeployment | undefined;
  let http: HttpApi | undefined;
  let oauthProvider: SandboxProvider | undefined;
  let consoleServer: ConsoleServer | undefined;
  try {
    const httpPort = cloud.ports.get('HTTP');
    http = await startHttpApi({
      routes: TASKS.flatMap((task) =>
        (task.routes ?? []).map((route) => ({ ...route, functionName: functionName(prefix, task) })),
      ),
      handlers: functions,
      authorizer: () =>
        deployment && {
          issuer: `${cloud.sdkConfig('COGNITO_IDENTITY_PROVIDER').endpoint}/${deployment.userPoolId}`,
          audience: deployment.userPoolClientId,
        },
      ...(options.log ? { log: options.log } : {}),
      // Kept for the data directory, so links in emails sent before a restart still work.
      port: httpPort,
    }).catch((error: unknown) => {
      throw portTaken('HTTP routes', httpPort, cloud.ports.file, error);
    });
    cloud.ports.set('HTTP', portOf(http.endpoint));
    const providerPort = cloud.ports.get('OAUTH_PROVIDER');
    oauthProvider = await startSandboxProvider({
      dataDir: join(cloud.dataDir, 'oauth-provider'),
      port: providerPort,
      redirectUris: [`${http.endpoint}/auth/callback`],
      ...(options.log ? { log: options.log } : {}),
    }).catch((error: unknown) => {
      throw portTaken('OAUTH_PROVIDER', providerPort, cloud.ports.file, error);
    });
    cloud.ports.set('OAUTH_PROVIDER', portOf(oauthProvider.endpoint));
    await cloud.ports.save();
    deployment = await deployLocally(cloud, {
      prefix,
      publicUrl: http.endpoint,
      settings: {
        oauthIssuer: oauthProvider.issuer,
        oauthClientId: oauthProvider.client.clientId,
        oauthApiA: oauthProvider.apiA,
        oauthApiB: oauthProvider.apiB,
        ...options.settings,
      },
      oauthClientSecret: oauthProvider.client.clientSecret,
    });
    // The handlers run in this process: their environment is this process's, so two tasks may
    // share a variable only with the same value (on AWS each function has its own). Each function
    // reaches the local services as a Lambda function would reach AWS's: through the endpoint
    // variables (the Cognito one is also where the pages send the browser).
    for (const [key, value] of Object.entries(cloud.environment)) process.env[key] = value;
    const owners = new Map<string, { task: string; value: string }>();
    for (const [task, environment] of Object.entries(deployment.taskEnvironment)) {
      for (const [key, value] of Object.entries(environment)) {
        const owner = owners.get(key);
        if (owner && owner.value !== value) {
          throw new LocalCloudError(
            `Tasks ${owner.task} and ${task} both set ${key}, to different values; in one local process they would overwrite each other. Rename one of the variables.`,
          );
        }
        owners.set(key, { task, value });
        process.env[key] = value;
      }
    }
    const demo = options.demo === false ? undefined : await seedDemoCompany(cloud, deployment);
    const consolePort = cloud.ports.get('CONSOLE');
    consoleServer = await startConsole({
      mode: 'local',
      region: cloud.region,
      prefix: `${prefix}-`,
      database: {
        resourceArn: deployment.resolve({ kind: 'database-cluster-arn' }),
        secretArn: deployment.resolve({ kind: 'database-secret-arn' }),
        database: deployment.resolve({ kind: 'database-name' }),
      },
      sesEndpoint: cloud.sdkConfig('SESV2').endpoint,
      services: (id) => cloud.sdkConfig(id),
      port: consolePort,
      ...(options.log ? { log: options.log } : {}),
    }).catch((error: unknown) => {
      throw portTaken('CONSOLE', consolePort, cloud.ports.file, error);
    });
    cloud.ports.set('CONSOLE', portOf(consoleServer.endpoint));
    await cloud.ports.save();
    const started = {
      cloud,
      deployment,
      http,
      oauthProvider,
      console: consoleServer,
      ...(demo ? { demo } : {}),
    };
    let closed: Promise<void> | undefined;
    return {
      ...started,
      close: () => {
        closed ??= (async () => {
          await started.console.close();
          await started.http.close();
          await started.oauthProvider.close();
          await cloud.close();
        })();
        return closed;
      },
    };
  } catch (error) {
    await consoleServer?.close();
    await http?.close();
    await oauthProvider?.close();
    await cloud.close();
    throw error;
  }
}
