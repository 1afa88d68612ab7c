/**
 * `/data/schedules`: each EventBridge Scheduler schedule whose name starts with the console's
 * prefix (ListSchedules across groups, GetSchedule): its expression, time zone, state, target,
 * flexible window, and its next three firings computed from the expression in its time zone
 * with the local Scheduler's own pure functions (local/scheduler/expression.ts: AWS's six-field
 * cron with ? L W #, rate(), at(), and its daylight-saving rules), which read no service state.
 */
import { GetScheduleCommand, type GetScheduleOutput, ListSchedulesCommand } from '@aws-sdk/client-scheduler';
import { type Expression, nextFiring, parseExpression } from '../../scheduler/expression.ts';
import { isTimeZone, wallTime } from '../../scheduler/zone.ts';
import type { ConsoleContext, ConsoleHandler } from '../context.ts';
import { escapeHtml, status, table, text, time } from '../html.ts';

const SECTION = '/data/schedules';
const SHOWN_FIRINGS = 3;

async function scheduleKeys(ctx: ConsoleContext): Promise<{ name: string; group: string }[]> {
  const keys: { name: string; group: string }[] = [];
  let token: string | undefined;
  do {
    const page = await ctx.clients.scheduler.send(
      new ListSchedulesCommand({ NamePrefix: ctx.prefix || undefined, NextToken: token }),
    );
    for (const s of page.Schedules ?? [])
      if (s.Name) keys.push({ name: s.Name, group: s.GroupName ?? 'default' });
    token = page.NextToken;
  } while (token !== undefined);
  return keys.sort((a, b) => (a.group + a.name < b.group + b.name ? -1 : 1));
}

/** The next `count` firings strictly after `now` (epoch ms), fewer when the schedule ends. */
export function nextFirings(schedule: GetScheduleOutput, now: number, count = SHOWN_FIRINGS): number[] {
  const zone = schedule.ScheduleExpressionTimezone ?? 'UTC';
  const expression: Expression = parseExpression(schedule.ScheduleExpression ?? '');
  // A rate counts from its StartDate; without one AWS counts from when it was created or last
  // updated, which GetSchedule's LastModificationDate tells.
  const anchor =
    (schedule.StartDate ?? schedule.LastModificationDate ?? schedule.CreationDate)?.getTime() ?? now;
  const window = {
    anchor,
    ...(schedule.StartDate ? { startDate: schedule.StartDate.getTime() } : {}),
    ...(schedule.EndDate ? { endDate: schedule.EndDate.getTime() } : {}),
  };
  const out: number[] = [];
  let after = now;
  while (out.length < count) {
    const next = nextFiring(expression, zone, window, after);
    if (next === undefined) break;
    out.push(next);
    after = next;
  }
  return out;
}

/** An instant as the schedule's zone shows it, with the UTC instant beside it. */
function zoned(instant: number, zone: string): string {
  const w = wallTime(zone, instant);
  const pad = (n: number) => String(n).padStart(2, '0');
  const wall = `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}`;
  return `<span class="wall-time">${escapeHtml(wall)} ${text(zone, 60)}</span> (${time(new Date(instant))})`;
}

function firingsCell(schedule: GetScheduleOutput, now: number): string {
  if (schedule.State === 'DISABLED') return 'none: the schedule is disabled';
  const zone = schedule.ScheduleExpressionTimezone ?? 'UTC';
  if (!isTimeZone(zone)) return `unknown: ${text(zone, 60)} is not a time zone this console knows`;
  let firings: number[];
  try {
    firings = nextFirings(schedule, now);
  } catch (error) {
    return `unknown: ${text(error instanceof Error ? error.message : String(error), 300)}`;
  }
  if (firings.length === 0) return 'none: the schedule has no firing left';
  return `<ol class="firings">${firings.map((f) => `<li>${zoned(f, zone)}</li>`).join('')}</ol>`;
}

function flexibleWindow(schedule: GetScheduleOutput): string {
  const window = schedule.FlexibleTimeWindow;
  if (!window || window.Mode === 'OFF') return 'off';
  return escapeHtml(`up to ${window.MaximumWindowInMinutes ?? '?'} min`);
}

export const schedulesPage: ConsoleHandler = async (ctx) => {
  const now = Date.now();
  const keys = await scheduleKeys(ctx);
  const schedules = await Promise.all(
    keys.map((k) => ctx.clients.scheduler.send(new GetScheduleCommand({ Name: k.name, GroupName: k.group }))),
  );
  const rows = schedules.map((s) => [
    text(s.Name ?? ''),
    text(s.GroupName ?? 'default'),
    `<code>${text(s.ScheduleExpression ?? '', 300)}</code>`,
    text(s.ScheduleExpressionTimezone ?? 'UTC', 60),
    status(s.State),
    `<code>${text(s.Target?.Arn ?? '', 400)}</code>`,
    flexibleWindow(s),
    firingsCell(s, now),
  ]);
  return {
    kind: 'page',
    title: 'Schedules',
    section: SECTION,
    main: `<h1>Schedules</h1>
<p>EventBridge Scheduler schedules whose names start with <code>${text(ctx.prefix || '(any)')}</code>, in every group. Next firings are computed from each expression in its time zone (times skipped by a daylight-saving change are not fired; a repeated hour fires once), before any flexible window; the UTC instant follows in brackets.</p>
${table('Schedules', ['Name', 'Group', 'Expression', 'Time zone', 'State', 'Target', 'Flexible window', 'Next firings'], rows, 'none with this prefix.')}`,
  };
};
