import {
  createEnvironment,
  type EngineEnvironment,
  type ExecutionResult,
  execute,
  parseDefinition,
  RoutingRegistry,
  type TaskHandler,
  VirtualClock,
} from '../../../asl/index.ts';

export function jsonata(states: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    QueryLanguage: 'JSONata',
    StartAt: Object.keys(states)[0],
    States: states,
    ...extra,
  });
}

/** An environment on a virtual clock whose tasks are answered by `handler`. */
export function testEnv(
  handler: TaskHandler = async (r) => ({ ok: true, output: r.arguments }),
  clock = new VirtualClock({ autoAdvance: true }),
): { env: EngineEnvironment; clock: VirtualClock; calls: unknown[] } {
  const calls: unknown[] = [];
  const tasks = new RoutingRegistry().route(
    () => true,
    async (request) => {
      calls.push(request.arguments);
      return handler(request);
    },
  );
  let n = 0;
  const env = createEnvironment({
    tasks,
    clock,
    entropy: {
      uuid: () => `uuid-${++n}`,
      random: () => 0.5,
      token: (key) => `token-${key.split('|').slice(1).join('-')}`,
    },
  });
  return { env, clock, calls };
}

export function run(
  env: EngineEnvironment,
  definition: string,
  input: unknown = {},
): Promise<ExecutionResult> {
  return execute(env, { definition: parseDefinition(definition), input });
}

export function types(result: ExecutionResult): string[] {
  return result.events.map((e) => e.type ?? '');
}
