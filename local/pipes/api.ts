/**
 * The Pipes API's operations on the store. A change answers the transitional state AWS answers
 * (CREATING, UPDATING, STARTING, STOPPING, DELETING) and is settled at once: DescribePipe right
 * after shows RUNNING or STOPPED, and the runners follow (`onChange`).
 * https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_Operations.html
 */
import { conflict, notFound, validation } from './errors.ts';
import { checkName, checkRoleArn, checkSource, checkTarget, streamSettings } from './params.ts';
import type { PipeStore, StoredPipe } from './store.ts';

export interface PipesContext {
  readonly store: PipeStore;
  readonly region: string;
  readonly account: string;
  readonly now: () => number;
  /** Called after a pipe changed on disk (undefined: deleted); the runners start or stop. */
  readonly onChange: (name: string, pipe: StoredPipe | undefined) => Promise<void>;
}

type Json = Record<string, unknown>;

const seconds = (ms: number) => ms / 1000;

function summary(pipe: StoredPipe, currentState: string, desiredState: string = pipe.DesiredState): Json {
  return {
    Arn: pipe.Arn,
    Name: pipe.Name,
    DesiredState: desiredState,
    CurrentState: currentState,
    CreationTime: seconds(pipe.CreationTime),
    LastModifiedTime: seconds(pipe.LastModifiedTime),
  };
}

function existing(context: PipesContext, name: string): StoredPipe {
  const pipe = context.store.get(name);
  if (pipe === undefined) throw notFound(name);
  return pipe;
}

function desired(value: unknown, fallback: 'RUNNING' | 'STOPPED'): 'RUNNING' | 'STOPPED' {
  if (value === undefined) return fallback;
  if (value !== 'RUNNING' && value !== 'STOPPED') {
    throw validation(
      `DesiredState must be RUNNING or STOPPED; got ${JSON.stringify(value)}.`,
      'DesiredState',
    );
  }
  return value;
}

function refuseUnsupported(body: Json): void {
  if (body.Enrichment !== undefined || body.EnrichmentParameters !== undefined) {
    throw validation(
      'Enrichment is not supported by the local Pipes: invoke the enrichment from the target instead.',
      'Enrichment',
    );
  }
}

function optionalString(body: Json, field: string, max: number): Json {
  const value = body[field];
  if (value === undefined) return {};
  if (typeof value !== 'string' || value.length > max) {
    throw validation(`${field} must be a string of at most ${max} characters.`, field);
  }
  return { [field]: value };
}

export async function createPipe(context: PipesContext, name: string, body: Json): Promise<Json> {
  checkName(name);
  refuseUnsupported(body);
  const Source = checkSource(body.Source);
  const Target = checkTarget(body.Target, body.TargetParameters);
  const RoleArn = checkRoleArn(body.RoleArn);
  streamSettings(body.SourceParameters);
  if (context.store.get(name) !== undefined) {
    throw conflict(name, `Pipe ${name} already exists.`);
  }
  const now = context.now();
  const DesiredState = desired(body.DesiredState, 'RUNNING');
  const pipe: StoredPipe = {
    Name: name,
    Arn: `arn:aws:pipes:${context.region}:${context.account}:pipe/${name}`,
    ...optionalString(body, 'Description', 512),
    DesiredState,
    CurrentState: DesiredState,
    Source,
    SourceParameters: body.SourceParameters as Json,
    Target,
    TargetParameters: body.TargetParameters as Json,
    RoleArn,
    ...(body.Tags === undefined ? {} : { Tags: body.Tags as Record<string, string> }),
    ...(body.LogConfiguration === undefined ? {} : { LogConfiguration: body.LogConfiguration as Json }),
    ...optionalString(body, 'KmsKeyIdentifier', 2048),
    CreationTime: now,
    LastModifiedTime: now,
  };
  await context.store.put(name, pipe);
  await context.onChange(name, pipe);
  return summary(pipe, 'CREATING');
}

export async function describePipe(context: PipesContext, name: string): Promise<Json> {
  const pipe = existing(context, name);
  const { CreationTime, LastModifiedTime, ...rest } = pipe;
  return { ...rest, CreationTime: seconds(CreationTime), LastModifiedTime: seconds(LastModifiedTime) };
}

/**
 * "EventBridge updates only the fields you specify; the objects of SourceParameters and
 * TargetParameters (DynamoDBStreamParameters, FilterCriteria, ...) are replaced as a whole."
 * StartingPosition cannot change, so it is kept.
 */
export async function updatePipe(context: PipesContext, name: string, body: Json): Promise<Json> {
  const pipe = existing(context, name);
  refuseUnsupported(body);
  if (body.Source !== undefined)
    throw validation('UpdatePipe cannot change a pipe’s Source: create a new pipe.', 'Source');
  const source = { ...(pipe.SourceParameters ?? {}) };
  const update = (body.SourceParameters ?? {}) as Json;
  for (const [key, value] of Object.entries(update)) source[key] = value;
  // FilterCriteria with no filters removes them.
  const filters = (source.FilterCriteria as { Filters?: unknown[] } | undefined)?.Filters;
  if (source.FilterCriteria !== undefined && (filters === undefined || filters.length === 0))
    delete source.FilterCriteria;
  const updatedStream = update.DynamoDBStreamParameters as Json | undefined;
  if (updatedStream !== undefined) {
    if (updatedStream.StartingPosition !== undefined) {
      throw validation(
        'UpdatePipe cannot change StartingPosition.',
        'SourceParameters.DynamoDBStreamParameters.StartingPosition',
      );
    }
    const before = (pipe.SourceParameters?.DynamoDBStreamParameters ?? {}) as Json;
    source.DynamoDBStreamParameters = { ...updatedStream, StartingPosition: before.StartingPosition };
  }
  streamSettings(source);
  const Target = checkTarget(body.Target ?? pipe.Target, body.TargetParameters ?? pipe.TargetParameters);
  const DesiredState = desired(body.DesiredState, pipe.DesiredState);
  const next: StoredPipe = {
    ...pipe,
    ...optionalString(body, 'Description', 512),
    // RoleArn is a required member of UpdatePipe.
    RoleArn: checkRoleArn(body.RoleArn),
    SourceParameters: source,
    Target,
    TargetParameters: (body.TargetParameters ?? pipe.TargetParameters) as Json,
    ...(body.LogConfiguration === undefined ? {} : { LogConfiguration: body.LogConfiguration as Json }),
    ...optionalString(body, 'KmsKeyIdentifier', 2048),
    DesiredState,
    CurrentState: DesiredState,
    LastModifiedTime: context.now(),
  };
  await context.store.put(name, next);
  await context.onChange(name, next);
  return summary(next, 'UPDATING');
}

async function setState(
  context: PipesContext,
  name: string,
  state: 'RUNNING' | 'STOPPED',
): Promise<StoredPipe> {
  const pipe = existing(context, name);
  const next: StoredPipe = {
    ...pipe,
    DesiredState: state,
    CurrentState: state,
    LastModifiedTime: context.now(),
  };
  await context.store.put(name, next);
  await context.onChange(name, next);
  return next;
}

export async function startPipe(context: PipesContext, name: string): Promise<Json> {
  return summary(await setState(context, name, 'RUNNING'), 'STARTING');
}

export async function stopPipe(context: PipesContext, name: string): Promise<Json> {
  return summary(await setState(context, name, 'STOPPED'), 'STOPPING');
}

export async function deletePipe(context: PipesContext, name: string): Promise<Json> {
  const pipe = existing(context, name);
  await context.onChange(name, undefined);
  await context.store.put(name, undefined);
  return summary({ ...pipe, LastModifiedTime: context.now() }, 'DELETING', 'DELETED');
}

const LIST_FILTERS = ['NamePrefix', 'SourcePrefix', 'TargetPrefix', 'DesiredState', 'CurrentState'];

/** ListPipes: filters from the query string, pages of `Limit` (1 to 100, default 100). */
export async function listPipes(context: PipesContext, query: URLSearchParams): Promise<Json> {
  const limitText = query.get('Limit');
  const limit = limitText === null ? 100 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw validation(`Limit must be an integer from 1 to 100; got ${limitText}.`, 'Limit');
  }
  const [namePrefix, sourcePrefix, targetPrefix, desiredState, currentState] = LIST_FILTERS.map(
    (f) => query.get(f) ?? undefined,
  );
  const all = context.store
    .list()
    .filter(
      (p) =>
        (namePrefix === undefined || p.Name.startsWith(namePrefix)) &&
        (sourcePrefix === undefined || p.Source.startsWith(sourcePrefix)) &&
        (targetPrefix === undefined || p.Target.startsWith(targetPrefix)) &&
        (desiredState === undefined || p.DesiredState === desiredState) &&
        (currentState === undefined || p.CurrentState === currentState),
    );
  const token = query.get('NextToken');
  let start = 0;
  if (token !== null) {
    const after = Buffer.from(token, 'base64url').toString('utf8');
    start = all.findIndex((p) => p.Name > after);
    if (start < 0) start = all.length;
  }
  const page = all.slice(start, start + limit);
  const last = page.at(-1);
  return {
    Pipes: page.map((p) => ({
      Name: p.Name,
      Arn: p.Arn,
      DesiredState: p.DesiredState,
      CurrentState: p.CurrentState,
      ...(p.StateReason === undefined ? {} : { StateReason: p.StateReason }),
      CreationTime: seconds(p.CreationTime),
      LastModifiedTime: seconds(p.LastModifiedTime),
      Source: p.Source,
      Target: p.Target,
    })),
    ...(start + limit < all.length && last
      ? { NextToken: Buffer.from(last.Name).toString('base64url') }
      : {}),
  };
}
