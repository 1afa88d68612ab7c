import { describe, expect, it } from 'vitest';
import {
  createEnvironment,
  execute,
  parseDefinition,
  RoutingRegistry,
  VirtualClock,
} from '../../../asl/index.ts';
import { jsonata, run, testEnv } from './helpers.ts';

describe('limits', () => {
  it('stops a runaway recursive JSONata function with U1001 instead of hanging', async () => {
    const { env } = testEnv();
    const result = await run(
      env,
      jsonata({ A: { Type: 'Pass', Output: '{% ($f := function($x){ 1 + $f($x) }; $f(1)) %}', End: true } }),
    );
    expect(result.error).toBe('States.QueryEvaluationError');
    expect(result.cause).toContain('threw an error during evaluation. U1001: Stack overflow error');
  });

  it('stops an endless tail-recursive loop after the time limit', async () => {
    const env = createEnvironment({
      tasks: new RoutingRegistry(),
      clock: new VirtualClock({ autoAdvance: true }),
      limits: { maxExpressionMillis: 50 },
    });
    const definition = parseDefinition(
      jsonata({ A: { Type: 'Pass', Output: '{% ($f := function($x){ $f($x) }; $f(1)) %}', End: true } }),
    );
    const result = await execute(env, { definition, input: {} });
    expect(result.cause).toContain('U1001: Expression evaluation timeout: Check for infinite loop');
  });

  it('fails a state whose output passes 256 KiB with States.DataLimitExceeded', async () => {
    const { env } = testEnv();
    const result = await run(
      env,
      jsonata({ A: { Type: 'Pass', Output: "{% $pad('', 300000, 'x') %}", End: true } }),
    );
    expect(result.error).toBe('States.DataLimitExceeded');
  });

  it('fails an execution that reaches 25,000 history events with States.Runtime', async () => {
    const { env } = testEnv();
    const result = await run(
      env,
      jsonata({
        Loop: { Type: 'Pass', Assign: { i: '{% $exists($i) ? $i + 1 : 1 %}' }, Next: 'Loop2' },
        Loop2: { Type: 'Pass', Next: 'Loop' },
      }),
    );
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Runtime');
    expect(result.events.length).toBeLessThanOrEqual(25_000);
  });
});
