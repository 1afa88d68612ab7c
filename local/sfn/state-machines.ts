/** CreateStateMachine, DescribeStateMachine, ListStateMachines, DeleteStateMachine, UpdateStateMachine. */
import { z } from 'zod';
import { DefinitionErrors, parseDefinition } from '../../asl/index.ts';
import type { ExecutionStore, StateMachineRecord } from '../../asl/store/index.ts';
import {
  type Configurations,
  DEFAULT_ENCRYPTION,
  DEFAULT_LOGGING,
  DEFAULT_TRACING,
  encryption,
  encryptionSchema,
  logging,
  loggingSchema,
  sameConfigurations,
  tracing,
  tracingSchema,
} from './configuration.ts';
import { SfnApiError } from './errors.ts';
import { epochSeconds } from './protocol.ts';
import { parseRequest } from './validate.ts';

const NAME = /^[A-Za-z0-9_-]{1,80}$/;

export interface Account {
  readonly region: string;
  readonly account: string;
}

const CreateRequest = z.object({
  name: z.string(),
  definition: z.string(),
  roleArn: z.string(),
  type: z.enum(['STANDARD', 'EXPRESS']).optional(),
  tags: z.array(z.object({ key: z.string(), value: z.string() })).optional(),
  loggingConfiguration: loggingSchema.optional(),
  tracingConfiguration: tracingSchema.optional(),
  encryptionConfiguration: encryptionSchema.optional(),
  publish: z.boolean().optional(),
  versionDescription: z.string().optional(),
});

/** Versions are not kept locally: said, not ignored. */
function refuseVersions(request: {
  publish?: boolean | undefined;
  versionDescription?: string | undefined;
}): void {
  if (request.publish === true || request.versionDescription !== undefined) {
    throw new SfnApiError(
      'ValidationException',
      'The local Step Functions endpoint does not publish state machine versions: send the request without ' +
        'publish: true and versionDescription.',
    );
  }
}

/** The configurations a record has, with AWS's defaults for those it was created without. */
function configurationsOf(record: StateMachineRecord): Configurations {
  return {
    loggingConfiguration: record.loggingConfiguration ?? DEFAULT_LOGGING,
    tracingConfiguration: record.tracingConfiguration ?? DEFAULT_TRACING,
    encryptionConfiguration: record.encryptionConfiguration ?? DEFAULT_ENCRYPTION,
  };
}

export function stateMachineArn(at: Account, name: string): string {
  return `arn:aws:states:${at.region}:${at.account}:stateMachine:${name}`;
}

/** Checks a definition as CreateStateMachine does; the message is AWS's form. */
export function checkDefinition(definition: string, substitutions?: Readonly<Record<string, string>>): void {
  try {
    parseDefinition(definition, substitutions ? { substitutions } : {});
  } catch (error) {
    if (!(error instanceof DefinitionErrors)) throw error;
    const problems = error.errors.map((e) => `${e.code}: ${e.message}`).join(', ');
    throw new SfnApiError('InvalidDefinition', `Invalid State Machine Definition: '${problems}'`);
  }
}

export async function createStateMachine(
  store: ExecutionStore,
  at: Account,
  body: unknown,
): Promise<unknown> {
  const request = parseRequest(CreateRequest, body);
  if (!NAME.test(request.name)) {
    throw new SfnApiError(
      'InvalidName',
      `Invalid Name: '${request.name}' (use 1-80 letters, digits, - and _)`,
    );
  }
  checkDefinition(request.definition);
  refuseVersions(request);
  const configurations: Configurations = {
    loggingConfiguration: logging(request.loggingConfiguration ?? {}),
    tracingConfiguration: tracing(request.tracingConfiguration ?? {}),
    encryptionConfiguration: encryption(request.encryptionConfiguration ?? { type: 'AWS_OWNED_KEY' }),
  };
  const arn = stateMachineArn(at, request.name);
  const existing = await store.getStateMachine(arn);
  const type = request.type ?? 'STANDARD';
  if (existing) {
    // AWS: idempotent on name, definition, type and the three configurations; a different
    // roleArn or tags are ignored (and not updated). Anything else different is a conflict.
    if (
      existing.definition === request.definition &&
      existing.type === type &&
      sameConfigurations(configurationsOf(existing), configurations)
    ) {
      return { stateMachineArn: arn, creationDate: epochSeconds(existing.creationDate) };
    }
    throw new SfnApiError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
  }
  const record: StateMachineRecord = {
    stateMachineArn: arn,
    name: request.name,
    definition: request.definition,
    roleArn: request.roleArn,
    type,
    creationDate: new Date(),
    status: 'ACTIVE',
    revisionId: crypto.randomUUID(),
    ...configurations,
    ...(request.tags ? { tags: Object.fromEntries(request.tags.map((t) => [t.key, t.value])) } : {}),
  };
  await store.putStateMachine(record);
  return { stateMachineArn: arn, creationDate: epochSeconds(record.creationDate) };
}

const ArnRequest = z.object({ stateMachineArn: z.string() });

export async function requireStateMachine(store: ExecutionStore, arn: string): Promise<StateMachineRecord> {
  const record = await store.getStateMachine(arn);
  if (!record) throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
  return record;
}

export async function describeStateMachine(store: ExecutionStore, body: unknown): Promise<unknown> {
  const record = await requireStateMachine(store, parseRequest(ArnRequest, body).stateMachineArn);
  return {
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    definition: record.definition,
    roleArn: record.roleArn,
    type: record.type,
    creationDate: epochSeconds(record.creationDate),
    ...configurationsOf(record),
    ...(record.revisionId ? { revisionId: record.revisionId } : {}),
  };
}

const UpdateRequest = z.object({
  stateMachineArn: z.string(),
  definition: z.string().optional(),
  roleArn: z.string().optional(),
  loggingConfiguration: loggingSchema.optional(),
  tracingConfiguration: tracingSchema.optional(),
  encryptionConfiguration: encryptionSchema.optional(),
  publish: z.boolean().optional(),
  versionDescription: z.string().optional(),
});

export async function updateStateMachine(store: ExecutionStore, body: unknown): Promise<unknown> {
  const request = parseRequest(UpdateRequest, body);
  const record = await requireStateMachine(store, request.stateMachineArn);
  const { definition, roleArn, loggingConfiguration, tracingConfiguration, encryptionConfiguration } =
    request;
  if (
    [definition, roleArn, loggingConfiguration, tracingConfiguration, encryptionConfiguration].every(
      (field) => field === undefined,
    )
  ) {
    throw new SfnApiError(
      'MissingRequiredParameter',
      'Either the definition, the role ARN, the LoggingConfiguration, the TracingConfiguration or the ' +
        'EncryptionConfiguration must be specified',
    );
  }
  if (definition !== undefined) checkDefinition(definition, record.substitutions);
  refuseVersions(request);
  const updated: StateMachineRecord = {
    ...record,
    ...(definition !== undefined ? { definition } : {}),
    ...(roleArn !== undefined ? { roleArn } : {}),
    ...(loggingConfiguration !== undefined ? { loggingConfiguration: logging(loggingConfiguration) } : {}),
    ...(tracingConfiguration !== undefined ? { tracingConfiguration: tracing(tracingConfiguration) } : {}),
    ...(encryptionConfiguration !== undefined
      ? { encryptionConfiguration: encryption(encryptionConfiguration) }
      : {}),
    revisionId: crypto.randomUUID(),
  };
  await store.putStateMachine(updated);
  return { updateDate: epochSeconds(new Date()), revisionId: updated.revisionId };
}

const ListRequest = z.object({
  maxResults: z.number().int().min(0).max(1000).optional(),
  nextToken: z.string().optional(),
});

export async function listStateMachines(store: ExecutionStore, body: unknown): Promise<unknown> {
  const request = parseRequest(ListRequest, body);
  const all = await store.listStateMachines();
  const start = request.nextToken ? decodeOffset(request.nextToken) : 0;
  const size = request.maxResults || 100;
  const page = all.slice(start, start + size);
  return {
    stateMachines: page.map((m) => ({
      stateMachineArn: m.stateMachineArn,
      name: m.name,
      type: m.type,
      creationDate: epochSeconds(m.creationDate),
    })),
    ...(start + size < all.length
      ? { nextToken: Buffer.from(String(start + size)).toString('base64url') }
      : {}),
  };
}

function decodeOffset(token: string): number {
  const n = Number(Buffer.from(token, 'base64url').toString());
  if (!Number.isInteger(n) || n < 0) throw new SfnApiError('InvalidToken', `Invalid Token: '${token}'`);
  return n;
}

export async function deleteStateMachine(store: ExecutionStore, body: unknown): Promise<unknown> {
  await store.deleteStateMachine(parseRequest(ArnRequest, body).stateMachineArn);
  return {};
}
