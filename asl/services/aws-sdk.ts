/**
 * `arn:aws:states:::aws-sdk:<service>:<action>`: any AWS SDK v3 command, with no code per action.
 * `dynamodb` + `putItem` → `@aws-sdk/client-dynamodb`'s DynamoDBClient and PutItemCommand.
 * https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 */
import type { TaskResource } from '../definition/types.ts';
import {
  commandName,
  InvalidTaskArguments,
  SdkClientNotFound,
  SdkPackageNotInstalled,
  UnknownSdkAction,
  UnsupportedIntegrationPattern,
} from './errors.ts';
import { awsSdkFailure } from './private/sdk-failures.ts';
import { javaServiceName, packageFor } from './private/sdk-services.ts';
import { fromSdkOutput, operationSchemas, plainOutput, toSdkInput } from './private/sdk-shapes.ts';
import type { TaskHandler, TaskRequest, TaskResult } from './types.ts';

/** The part of an AWS SDK v3 client the integration uses. */
export interface SdkClient {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  readonly config?: { readonly serviceId?: string };
}

export type SdkClientClass = new (config: Record<string, unknown>) => SdkClient;

/** What a client factory is asked for. */
export interface SdkClientSpec {
  /** The Step Functions service name (`dynamodb`, `rdsdata`). */
  readonly service: string;
  readonly packageName: string;
  /** The package's client class, e.g. DynamoDBClient. */
  readonly clientClass: SdkClientClass;
  readonly region: string;
  /** Set when the handler was given one for this service; else the SDK resolves it. */
  readonly endpoint?: string;
}

export type SdkClientFactory = (spec: SdkClientSpec) => SdkClient;

export interface AwsSdkHandlerOptions {
  /**
   * Builds a client; called once per (service, region, endpoint). The default passes only
   * region and endpoint, so the SDK applies its own credential chain and the standard
   * `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` variables.
   */
  readonly clientFactory?: SdkClientFactory;
  /** Every call goes to this region instead of the Task's (e.g. one local region). */
  readonly region?: string;
  /** Endpoint per Step Functions service name, e.g. `{ dynamodb: 'http://127.0.0.1:8000' }`. */
  readonly endpoints?: Readonly<Record<string, string>>;
  /** Loads a package by name; the default is a dynamic `import()`. */
  readonly importPackage?: (packageName: string) => Promise<Readonly<Record<string, unknown>>>;
}

const PREFIX = 'aws-sdk:';

/** Whether a resource is an `aws-sdk:*` integration. */
export function isAwsSdkResource(resource: TaskResource): boolean {
  return resource.kind === 'service' && resource.service.startsWith(PREFIX);
}

/** A loaded client package: its exports and client class. */
interface SdkPackage {
  readonly name: string;
  readonly exports: Readonly<Record<string, unknown>>;
  readonly clientClass: SdkClientClass;
}

type CommandClass = new (input: unknown) => unknown;

export function createAwsSdkHandler(options: AwsSdkHandlerOptions = {}): TaskHandler {
  const importPackage = options.importPackage ?? defaultImport;
  const factory = options.clientFactory ?? defaultFactory;
  const packages = new Map<string, Promise<SdkPackage>>();
  const clients = new Map<string, SdkClient>();

  const loadPackage = (service: string): Promise<SdkPackage> => {
    let loaded = packages.get(service);
    if (!loaded) {
      loaded = load(service, importPackage);
      // A failed load is not kept: installing the package lets a later call succeed.
      loaded.catch(() => packages.delete(service));
      packages.set(service, loaded);
    }
    return loaded;
  };

  const clientFor = (service: string, sdk: SdkPackage, region: string): SdkClient => {
    const endpoint = options.endpoints?.[service];
    const key = `${service}\n${region}\n${endpoint ?? ''}`;
    let client = clients.get(key);
    if (!client) {
      client = factory({
        service,
        packageName: sdk.name,
        clientClass: sdk.clientClass,
        region,
        ...(endpoint !== undefined ? { endpoint } : {}),
      });
      clients.set(key, client);
    }
    return client;
  };

  return async (request: TaskRequest): Promise<TaskResult> => {
    const { resource } = request;
    const service = resource.service.slice(PREFIX.length);
    // AWS offers request-response and .waitForTaskToken for aws-sdk integrations, never .sync.
    if (resource.pattern !== 'request-response' && resource.pattern !== 'waitForTaskToken') {
      throw new UnsupportedIntegrationPattern(resource.arn, ['request-response', '.waitForTaskToken']);
    }
    const sdk = await loadPackage(service);
    const Command = sdk.exports[commandName(resource.action)];
    if (typeof Command !== 'function') throw new UnknownSdkAction(service, resource.action, sdk.name);
    if (!isRecord(request.arguments)) {
      throw new InvalidTaskArguments(
        resource.arn,
        'An aws-sdk task takes a JSON object as Arguments',
        request.arguments,
      );
    }

    const schemas = operationSchemas(new (Command as CommandClass)({}));
    const command = new (Command as CommandClass)(toSdkInput(request.arguments, schemas.input));
    const client = clientFor(service, sdk, options.region ?? request.region);
    const errorPrefix = javaServiceName(
      client.config?.serviceId ?? sdk.clientClass.name.replace(/Client$/, ''),
    );
    let response: unknown;
    try {
      response = await client.send(command, { abortSignal: request.signal });
    } catch (error) {
      return { ok: false, failure: awsSdkFailure(error, errorPrefix, sdk.exports) };
    }
    const output = schemas.output
      ? await fromSdkOutput(response, schemas.output)
      : await plainOutput(response);
    return { ok: true, output };
  };
}

async function load(
  service: string,
  importPackage: (name: string) => Promise<Readonly<Record<string, unknown>>>,
): Promise<SdkPackage> {
  const name = packageFor(service);
  let exports: Readonly<Record<string, unknown>>;
  try {
    exports = await importPackage(name);
  } catch (error) {
    if (isMissingPackage(error, name)) throw new SdkPackageNotInstalled(service, name, { cause: error });
    throw error;
  }
  return { name, exports, clientClass: findClientClass(name, exports) };
}

/** The package's one `<Name>Client` class (every v3 package also exports a bare `__Client`). */
function findClientClass(packageName: string, exports: Readonly<Record<string, unknown>>): SdkClientClass {
  for (const [key, value] of Object.entries(exports)) {
    if (
      key.endsWith('Client') &&
      key !== '__Client' &&
      typeof value === 'function' &&
      typeof (value as { prototype?: { send?: unknown } }).prototype?.send === 'function'
    ) {
      return value as SdkClientClass;
    }
  }
  throw new SdkClientNotFound(packageName);
}

function isMissingPackage(error: unknown, packageName: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    error instanceof Error &&
    error.message.includes(`'${packageName}'`)
  );
}

function defaultImport(packageName: string): Promise<Readonly<Record<string, unknown>>> {
  return import(packageName) as Promise<Readonly<Record<string, unknown>>>;
}

function defaultFactory(spec: SdkClientSpec): SdkClient {
  return new spec.clientClass({
    region: spec.region,
    ...(spec.endpoint !== undefined ? { endpoint: spec.endpoint } : {}),
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
