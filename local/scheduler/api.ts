/**
 * The Scheduler API operations on the store: Create/Get/Update/Delete/ListSchedules and
 * Create/Get/Delete/ListScheduleGroups, members and errors as the API reference gives them.
 * UpdateSchedule replaces the whole schedule, as on AWS (a member left out is reset). The
 * `default` group always exists and cannot be deleted. Timestamps go out as epoch seconds
 * (REST-JSON's default).
 */

import { conflict, notFound, validation } from './errors.ts';
import { checkName, scheduleSpec } from './params.ts';
import type { ScheduleStore, StoredGroup, StoredSchedule } from './store.ts';

type Json = Record<string, unknown>;

export interface SchedulerContext {
  readonly store: ScheduleStore;
  readonly region: string;
  readonly account: string;
  readonly now: () => number;
  /** Called once a change is on disk (undefined: the schedule is gone). */
  readonly onChange: (group: string, name: string, schedule: StoredSchedule | undefined) => void;
}

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

export const groupArn = (c: SchedulerContext, name: string) =>
  `arn:aws:scheduler:${c.region}:${c.account}:schedule-group/${name}`;
export const scheduleArn = (c: SchedulerContext, group: string, name: string) =>
  `arn:aws:scheduler:${c.region}:${c.account}:schedule/${group}/${name}`;

/** The `default` group, which exists from the start on AWS. */
export async function ensureDefaultGroup(c: SchedulerContext): Promise<void> {
  if (c.store.group('default') !== undefined) return;
  const now = c.now();
  await c.store.putGroup('default', {
    Name: 'default',
    Arn: groupArn(c, 'default'),
    CreationDate: now,
    LastModificationDate: now,
  });
}

function requireGroup(c: SchedulerContext, name: string): StoredGroup {
  const group = c.store.group(name);
  if (group === undefined) throw notFound(`Schedule group ${name} does not exist.`);
  return group;
}

function describe(s: StoredSchedule): Json {
  return {
    ActionAfterCompletion: s.ActionAfterCompletion,
    Arn: s.Arn,
    CreationDate: seconds(s.CreationDate),
    Description: s.Description,
    EndDate: seconds(s.EndDate),
    FlexibleTimeWindow: s.FlexibleTimeWindow,
    GroupName: s.GroupName,
    LastModificationDate: seconds(s.LastModificationDate),
    Name: s.Name,
    ScheduleExpression: s.ScheduleExpression,
    ScheduleExpressionTimezone: s.ScheduleExpressionTimezone,
    StartDate: seconds(s.StartDate),
    State: s.State,
    Target: s.Target,
  };
}

function describeGroup(g: StoredGroup): Json {
  return {
    Arn: g.Arn,
    CreationDate: seconds(g.CreationDate),
    LastModificationDate: seconds(g.LastModificationDate),
    Name: g.Name,
    State: 'ACTIVE',
  };
}

function groupOf(query: URLSearchParams): string {
  const group = query.get('groupName');
  return group === null ? 'default' : checkName(group, 'GroupName');
}

export async function createSchedule(c: SchedulerContext, name: string, body: Json): Promise<Json> {
  checkName(name, 'Name');
  const spec = scheduleSpec(body, c.now());
  requireGroup(c, spec.GroupName);
  if (c.store.schedule(spec.GroupName, name) !== undefined)
    throw conflict(`Schedule ${name} already exists.`);
  const now = c.now();
  const schedule: StoredSchedule = {
    ...spec,
    Name: name,
    Arn: scheduleArn(c, spec.GroupName, name),
    CreationDate: now,
    LastModificationDate: now,
  };
  await c.store.putSchedule(spec.GroupName, name, schedule);
  c.onChange(spec.GroupName, name, schedule);
  return { ScheduleArn: schedule.Arn };
}

export async function getSchedule(c: SchedulerContext, name: string, query: URLSearchParams): Promise<Json> {
  checkName(name, 'Name');
  const group = groupOf(query);
  requireGroup(c, group);
  const schedule = c.store.schedule(group, name);
  if (schedule === undefined) throw notFound(`Schedule ${name} does not exist.`);
  return describe(schedule);
}

export async function updateSchedule(c: SchedulerContext, name: string, body: Json): Promise<Json> {
  checkName(name, 'Name');
  const spec = scheduleSpec(body, c.now());
  requireGroup(c, spec.GroupName);
  const current = c.store.schedule(spec.GroupName, name);
  if (current === undefined) throw notFound(`Schedule ${name} does not exist.`);
  const schedule: StoredSchedule = {
    ...spec,
    Name: name,
    Arn: current.Arn,
    CreationDate: current.CreationDate,
    LastModificationDate: c.now(),
  };
  await c.store.putSchedule(spec.GroupName, name, schedule);
  c.onChange(spec.GroupName, name, schedule);
  return { ScheduleArn: schedule.Arn };
}

export async function deleteSchedule(
  c: SchedulerContext,
  name: string,
  query: URLSearchParams,
): Promise<Json> {
  checkName(name, 'Name');
  const group = groupOf(query);
  requireGroup(c, group);
  if (c.store.schedule(group, name) === undefined) throw notFound(`Schedule ${name} does not exist.`);
  await c.store.putSchedule(group, name, undefined);
  c.onChange(group, name, undefined);
  return {};
}

function page<T>(items: T[], query: URLSearchParams): { items: T[]; next?: string } {
  const maxText = query.get('MaxResults');
  const max = maxText === null ? 100 : Number(maxText);
  if (!Number.isInteger(max) || max < 1 || max > 100)
    throw validation(`MaxResults must be from 1 to 100; got ${maxText}.`);
  const token = query.get('NextToken');
  let start = 0;
  if (token !== null) {
    start = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0 || start > items.length)
      throw validation('The NextToken is not valid.');
  }
  const end = start + max;
  return {
    items: items.slice(start, end),
    ...(end < items.length ? { next: Buffer.from(String(end)).toString('base64url') } : {}),
  };
}

function prefixOf(query: URLSearchParams): string | undefined {
  const prefix = query.get('NamePrefix');
  if (prefix === null) return undefined;
  if (prefix.length < 1 || prefix.length > 64 || !/^[0-9a-zA-Z][0-9a-zA-Z\-_.]*$/.test(prefix))
    throw validation(
      `NamePrefix '${prefix}' must be 1 to 64 characters, a letter or digit followed by letters, digits, '-', '_' or '.'.`,
    );
  return prefix;
}

export async function listSchedules(c: SchedulerContext, query: URLSearchParams): Promise<Json> {
  const groupText = query.get('ScheduleGroup');
  const group = groupText === null ? undefined : checkName(groupText, 'ScheduleGroup');
  const prefix = prefixOf(query);
  const state = query.get('State');
  if (state !== null && state !== 'ENABLED' && state !== 'DISABLED')
    throw validation(`State must be ENABLED or DISABLED; got ${state}.`);
  const matching = c.store
    .listSchedules()
    .filter(
      (s) =>
        (group === undefined || s.GroupName === group) &&
        (prefix === undefined || s.Name.startsWith(prefix)) &&
        (state === null || s.State === state),
    );
  const { items, next } = page(matching, query);
  return {
    Schedules: items.map((s) => ({
      Arn: s.Arn,
      CreationDate: seconds(s.CreationDate),
      GroupName: s.GroupName,
      LastModificationDate: seconds(s.LastModificationDate),
      Name: s.Name,
      State: s.State,
      Target: { Arn: s.Target.Arn },
    })),
    ...(next ? { NextToken: next } : {}),
  };
}

export async function createScheduleGroup(c: SchedulerContext, name: string, _body: Json): Promise<Json> {
  checkName(name, 'Name');
  if (c.store.group(name) !== undefined) throw conflict(`Schedule group ${name} already exists.`);
  const now = c.now();
  const group = { Name: name, Arn: groupArn(c, name), CreationDate: now, LastModificationDate: now };
  await c.store.putGroup(name, group);
  return { ScheduleGroupArn: group.Arn };
}

export async function getScheduleGroup(c: SchedulerContext, name: string): Promise<Json> {
  checkName(name, 'Name');
  return describeGroup(requireGroup(c, name));
}

export async function deleteScheduleGroup(c: SchedulerContext, name: string): Promise<Json> {
  checkName(name, 'Name');
  if (name === 'default') throw validation('The default schedule group cannot be deleted.');
  requireGroup(c, name);
  const members = c.store.listSchedules().filter((s) => s.GroupName === name);
  await c.store.putGroup(name, undefined);
  for (const s of members) c.onChange(name, s.Name, undefined);
  return {};
}

export async function listScheduleGroups(c: SchedulerContext, query: URLSearchParams): Promise<Json> {
  const prefix = prefixOf(query);
  const matching = c.store.listGroups().filter((g) => prefix === undefined || g.Name.startsWith(prefix));
  const { items, next } = page(matching, query);
  return { ScheduleGroups: items.map(describeGroup), ...(next ? { NextToken: next } : {}) };
}
