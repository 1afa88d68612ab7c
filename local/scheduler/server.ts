/**
 * The HTTP side of the local Scheduler endpoint: the REST-JSON routes @aws-sdk/client-scheduler
 * calls (`/schedules/{Name}`, `/schedules`, `/schedule-groups/{Name}`, `/schedule-groups`), and
 * two of its own for operators: `POST /local/schedules/{group}/{name}/run` (start the target once
 * now, answering the execution ARN) and `GET /local/schedules/{group}/{name}/status` (next
 * firing, last firing, last error). SigV4 signatures are not checked (loopback only, local).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type Clock, systemClock } from '../../asl/index.ts';
import { describeFailure, type LocalService, type LocalServiceOptions, listen } from '../service.ts';
import {
  createSchedule,
  createScheduleGroup,
  deleteSchedule,
  deleteScheduleGroup,
  ensureDefaultGroup,
  getSchedule,
  getScheduleGroup,
  listScheduleGroups,
  listSchedules,
  type SchedulerContext,
  updateSchedule,
} from './api.ts';
import { internal, notFound, SchedulerApiError, unknownRoute, validation } from './errors.ts';
import { checkName } from './params.ts';
import type { ScheduleStatus } from './runner.ts';
import { ScheduleStore } from './store.ts';
import { Supervisor } from './supervisor.ts';
import { localTargets, TargetFailure, type Targets } from './target.ts';

export interface SchedulerOptions extends LocalServiceOptions {
  /** Step Functions and SQS endpoints (the edge serves both). */
  readonly endpoints: { readonly sfn: () => string; readonly sqs: () => string };
  /** The clock firings run on (the cloud's `options.clock`; a VirtualClock in tests). */
  readonly clock?: Clock;
  /** The first retry's delay of a failed firing, doubled each retry up to 60 s; default 1,000 ms. */
  readonly retryDelayMs?: number;
  /** Replaces the Step Functions and SQS calls (tests). */
  readonly targets?: Targets;
}

export interface LocalScheduler extends LocalService {
  readonly id: 'SCHEDULER';
  status(group: string, name: string): ScheduleStatus | undefined;
}

type Json = Record<string, unknown>;

async function readBody(request: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw validation('The request body is not JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw validation('The request body must be a JSON object.');
  return body as Json;
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

async function route(
  context: SchedulerContext,
  supervisor: Supervisor,
  method: string,
  url: URL,
  request: IncomingMessage,
): Promise<[string, unknown]> {
  const parts = url.pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  const [first, name] = parts;
  const query = url.searchParams;
  if (first === 'schedules' && parts.length <= 2) {
    if (name === undefined && method === 'GET') return ['ListSchedules', await listSchedules(context, query)];
    if (name !== undefined) {
      if (method === 'POST')
        return ['CreateSchedule', await createSchedule(context, name, await readBody(request))];
      if (method === 'GET') return ['GetSchedule', await getSchedule(context, name, query)];
      if (method === 'PUT')
        return ['UpdateSchedule', await updateSchedule(context, name, await readBody(request))];
      if (method === 'DELETE') return ['DeleteSchedule', await deleteSchedule(context, name, query)];
    }
  }
  if (first === 'schedule-groups' && parts.length <= 2) {
    if (name === undefined && method === 'GET')
      return ['ListScheduleGroups', await listScheduleGroups(context, query)];
    if (name !== undefined) {
      if (method === 'POST')
        return ['CreateScheduleGroup', await createScheduleGroup(context, name, await readBody(request))];
      if (method === 'GET') return ['GetScheduleGroup', await getScheduleGroup(context, name)];
      if (method === 'DELETE') return ['DeleteScheduleGroup', await deleteScheduleGroup(context, name)];
    }
  }
  if (first === 'local' && parts[1] === 'schedules' && parts.length === 5) {
    const group = checkName(parts[2], 'group');
    const scheduleName = checkName(parts[3], 'name');
    const schedule = context.store.schedule(group, scheduleName);
    if (schedule === undefined) throw notFound(`Schedule ${scheduleName} does not exist in group ${group}.`);
    if (parts[4] === 'status' && method === 'GET') return ['status', supervisor.status(schedule)];
    if (parts[4] === 'run' && method === 'POST') {
      try {
        return ['run', { ExecutionArn: await supervisor.runNow(schedule) }];
      } catch (error) {
        if (error instanceof TargetFailure) throw new SchedulerApiError(error.code, error.message, 400);
        throw error;
      }
    }
  }
  throw unknownRoute(method, url.pathname);
}

export async function startScheduler(options: SchedulerOptions): Promise<LocalScheduler> {
  const store = await ScheduleStore.open(options.dataDir);
  const log = options.log ?? (() => undefined);
  const clock = options.clock ?? systemClock;
  const region = options.region ?? 'us-east-1';
  const supervisor = new Supervisor({
    store,
    clock,
    targets: options.targets ?? localTargets(region, options.endpoints),
    log,
    retryDelayMs: options.retryDelayMs ?? 1000,
    maxRetryDelayMs: 60_000,
    remove: async (schedule) => {
      await store.putSchedule(schedule.GroupName, schedule.Name, undefined);
      log(`Scheduler ${schedule.Name}: completed; deleted (ActionAfterCompletion DELETE).`);
    },
  });
  const context: SchedulerContext = {
    store,
    region,
    account: options.account ?? '111111111111',
    now: () => clock.now(),
    onChange: (group, name, schedule) => void supervisor.apply(group, name, schedule),
  };
  await ensureDefaultGroup(context);
  const server = createServer((request, response) => {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://localhost');
    route(context, supervisor, method, url, request).then(
      ([label, body]) => {
        send(response, 200, body);
        log(`Scheduler ${label} 200`);
      },
      (error: unknown) => {
        const answer = error instanceof SchedulerApiError ? error : internal();
        if (!(error instanceof SchedulerApiError))
          log(`Scheduler ${method} ${url.pathname} failed: ${describeFailure(error)}`);
        send(response, answer.status, answer.body(), { 'x-amzn-ErrorType': answer.type });
        log(`Scheduler ${method} ${url.pathname} ${answer.status} ${answer.name}`);
      },
    );
  });
  const { endpoint, stop } = await listen(server, options);
  for (const schedule of store.listSchedules())
    await supervisor.apply(schedule.GroupName, schedule.Name, schedule);
  let closing: Promise<void> | undefined;
  return {
    id: 'SCHEDULER',
    endpoint,
    status: (group, name) => {
      const schedule = store.schedule(group, name);
      return schedule === undefined ? undefined : supervisor.status(schedule);
    },
    close() {
      closing ??= (async () => {
        await stop();
        await supervisor.close();
        await store.flush();
      })();
      return closing;
    },
  };
}
