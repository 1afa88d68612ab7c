/**
 * The executions list's paging across state machines (local/console/sfn.ts listExecutions): every
 * execution exactly once, newest first, whatever the page size, filters and API page sizes. The
 * Step Functions API is played by a fake that pages like ListExecutions (newest first, maxResults,
 * nextToken), so the merge can be checked on thousands of combinations.
 */
import { type ExecutionListItem, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import type { ConsoleContext } from '../../../local/console/context.ts';
import { listExecutions } from '../../../local/console/sfn.ts';

function fakeContext(
  byMachine: Record<string, ExecutionListItem[]>,
  calls: { count: number },
): ConsoleContext {
  const sfn = {
    send: async (command: unknown) => {
      if (!(command instanceof ListExecutionsCommand)) throw new Error('unexpected command');
      calls.count++;
      const input = command.input;
      const all = (byMachine[input.stateMachineArn ?? ''] ?? []).filter(
        (e) => !input.statusFilter || e.status === input.statusFilter,
      );
      const start = input.nextToken ? Number(input.nextToken) : 0;
      const size = input.maxResults || 100;
      const page = all.slice(start, start + size);
      return { executions: page, ...(start + size < all.length ? { nextToken: String(start + size) } : {}) };
    },
  };
  return {
    mode: 'local',
    region: 'us-east-1',
    prefix: '',
    csrf: '',
    clients: { sfn },
  } as unknown as ConsoleContext;
}

/** `count` executions per machine, start times interleaved across machines, newest first. */
function executions(machines: readonly string[], count: number): Record<string, ExecutionListItem[]> {
  const out: Record<string, ExecutionListItem[]> = {};
  machines.forEach((machine, m) => {
    out[machine] = Array.from({ length: count }, (_, i) => {
      const n = count - i;
      return {
        executionArn: `${machine}:run-${n}`,
        stateMachineArn: machine,
        name: `${n % 3 === 0 ? 'odd' : 'run'}-${m}-${n}`,
        status: n % 4 === 0 ? 'FAILED' : 'SUCCEEDED',
        startDate: new Date(1_000_000 + n * 1000 + m * 7),
      } as ExecutionListItem;
    });
  });
  return out;
}

async function everyPage(ctx: ConsoleContext, filter: Parameters<typeof listExecutions>[1], size: number) {
  const seen: ExecutionListItem[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await listExecutions(ctx, filter, size, cursor);
    seen.push(...page.executions);
    if (!page.next) return seen;
    cursor = page.next;
  }
  throw new Error('the paging never ended');
}

describe('listExecutions paging', () => {
  const machines = ['m:a', 'm:b', 'm:c'];
  const data = executions(machines, 130);
  const all = Object.values(data).flat();
  const newestFirst = (list: readonly ExecutionListItem[]) =>
    [...list]
      .sort((x, y) => (y.startDate?.getTime() ?? 0) - (x.startDate?.getTime() ?? 0))
      .map((e) => e.executionArn);

  for (const size of [1, 7, 25, 50, 200]) {
    it(`lists every execution once, newest first, ${size} a page`, async () => {
      const seen = await everyPage(fakeContext(data, { count: 0 }), { machines }, size);
      expect(seen.map((e) => e.executionArn)).toEqual(newestFirst(all));
    });
  }

  it('applies status (by the API), name prefix and time range without skipping or repeating', async () => {
    const from = 1_000_000 + 20 * 1000;
    const to = 1_000_000 + 110 * 1000;
    const filter = { machines, status: 'FAILED' as const, namePrefix: 'odd', from, to };
    const seen = await everyPage(fakeContext(data, { count: 0 }), filter, 4);
    const expected = all.filter(
      (e) =>
        e.status === 'FAILED' &&
        (e.name ?? '').startsWith('odd') &&
        (e.startDate?.getTime() ?? 0) >= from &&
        (e.startDate?.getTime() ?? 0) < to,
    );
    expect(expected.length).toBeGreaterThan(3);
    expect(seen.map((e) => e.executionArn)).toEqual(newestFirst(expected));
  });

  it('stops a scan at its budget and goes on from there on the next page', async () => {
    const big = executions(['m:big'], 30_000);
    const calls = { count: 0 };
    const ctx = fakeContext(big, calls);
    const first = await listExecutions(ctx, { machines: ['m:big'], namePrefix: 'run-0-7' }, 50);
    expect(first.partial).toBe(true);
    // The first page, then the budget of 20 more.
    expect(first.scanned).toBe(21);
    expect(first.next).toBeDefined();
    expect(first.executions).toEqual([]);
    const seen = await everyPage(ctx, { machines: ['m:big'], namePrefix: 'run-0-7' }, 50);
    const expected = big['m:big']?.filter((e) => (e.name ?? '').startsWith('run-0-7')) ?? [];
    expect(seen.map((e) => e.executionArn)).toEqual(expected.map((e) => e.executionArn));
  });

  it('keeps order and completeness when start times tie, within and across machines', async () => {
    const tied: Record<string, ExecutionListItem[]> = {};
    for (const machine of ['t:a', 't:b']) {
      tied[machine] = Array.from({ length: 60 }, (_, i) => ({
        executionArn: `${machine}:${i}`,
        stateMachineArn: machine,
        name: `z-${59 - i}`,
        status: 'SUCCEEDED',
        startDate: new Date(1_000_000 - Math.floor(i / 2) * 1000),
      }));
    }
    const seen = await everyPage(fakeContext(tied, { count: 0 }), { machines: ['t:a', 't:b'] }, 25);
    const arns = seen.map((e) => e.executionArn);
    expect(new Set(arns).size).toBe(120);
    expect(arns.length).toBe(120);
  });

  it('neither repeats nor skips when executions start between two page loads', async () => {
    const live: Record<string, ExecutionListItem[]> = { 'l:a': executions(['l:a'], 100)['l:a'] ?? [] };
    const original = new Set((live['l:a'] ?? []).map((e) => e.executionArn));
    const ctx = fakeContext(live, { count: 0 });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0, fresh = 0; pages < 100; pages++) {
      const page = await listExecutions(ctx, { machines: ['l:a'] }, 20, cursor);
      seen.push(...page.executions.map((e) => e.executionArn ?? ''));
      // Five new executions, newer than all, before the operator loads the next page.
      for (let k = 0; k < 5; k++, fresh++) {
        live['l:a']?.unshift({
          executionArn: `l:a:new-${fresh}`,
          stateMachineArn: 'l:a',
          name: `new-${fresh}`,
          status: 'RUNNING',
          startDate: new Date(9_000_000 + fresh),
        });
      }
      if (!page.next) break;
      cursor = page.next;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((arn) => original.has(arn)).length).toBe(100);
  });

  it('reads the newest page of every machine, however many there are', async () => {
    const many = executions(
      Array.from({ length: 30 }, (_, i) => `n:${i}`),
      3,
    );
    const page = await listExecutions(fakeContext(many, { count: 0 }), { machines: Object.keys(many) }, 30);
    expect(page.executions.length).toBe(30);
    expect(new Set(page.executions.map((e) => e.stateMachineArn)).size).toBe(30);
  });

  it('refuses a cursor it did not write', async () => {
    await expect(
      listExecutions(fakeContext(data, { count: 0 }), { machines }, 10, 'not-a-cursor'),
    ).rejects.toThrow(/damaged/);
  });
});
