/**
 * The console's TestState calls: answers remembered per request (the same request always
 * evaluates the same), a few in flight per client, and the context object cut to what
 * TestState accepts.
 */
import { createHash } from 'node:crypto';
import {
  TestStateCommand,
  type TestStateCommandInput,
  type TestStateCommandOutput,
} from '@aws-sdk/client-sfn';
import type { ConsoleContext } from './context.ts';

/** Answers already had, by request: the same request always evaluates the same (bounded, per client). */
const answers = new WeakMap<object, Map<string, Promise<TestStateCommandOutput>>>();
const REMEMBERED = 2000;
/** TestState calls in flight per client: a state with many fields does not burst the API's rate. */
const IN_FLIGHT = 4;
const slots = new WeakMap<object, { free: number; queue: (() => void)[] }>();

export async function testState(
  ctx: ConsoleContext,
  input: TestStateCommandInput,
): Promise<TestStateCommandOutput> {
  const client = ctx.clients.sfn;
  let known = answers.get(client);
  if (!known) {
    known = new Map();
    answers.set(client, known);
  }
  const key = createHash('sha256').update(JSON.stringify(input)).digest('base64url');
  const had = known.get(key);
  if (had) return had;
  let slot = slots.get(client);
  if (!slot) {
    slot = { free: IN_FLIGHT, queue: [] };
    slots.set(client, slot);
  }
  const gate = slot;
  const answer = (async () => {
    if (gate.free > 0) gate.free--;
    else await new Promise<void>((resolve) => gate.queue.push(resolve));
    try {
      return await client.send(new TestStateCommand(input));
    } finally {
      const next = gate.queue.shift();
      if (next) next();
      else gate.free++;
    }
  })();
  known.set(key, answer);
  // A failed call is not remembered: the next view asks again.
  answer.catch(() => known.delete(key));
  if (known.size > REMEMBERED) known.delete(known.keys().next().value as string);
  return answer;
}

/** The members of the context object TestState accepts (it refuses `Map`, and `Task` but for callback tasks). */
const CONTEXT_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  Execution: ['Id', 'Name', 'StartTime', 'Input', 'RoleArn', 'RedriveCount'],
  StateMachine: ['Id', 'Name'],
  State: ['Name', 'EnteredTime', 'RetryCount'],
  Task: ['Token'],
};

export function probeContext(context: Record<string, unknown>, withTask: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [member, keys] of Object.entries(CONTEXT_MEMBERS)) {
    const value = context[member];
    if ((member === 'Task' && !withTask) || value === null || typeof value !== 'object') continue;
    const source = value as Record<string, unknown>;
    const kept = Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));
    if (Object.keys(kept).length > 0) out[member] = kept;
  }
  return out;
}
