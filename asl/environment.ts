/**
 * An engine environment: the runtime's explicit context (clock, task registry, entropy, limits,
 * task tokens, the AWS JSONata functions) and the state types it runs. Here asl/states/ meets
 * asl/runtime/, so that the runtime imports no state module.
 */
import { type Clock, systemClock } from './clock.ts';
import { LIMITS_BINDING } from './jsonata/expression.ts';
import { entropyFunctions } from './jsonata/functions.ts';
import { AWS_LIMITS, type EngineEnvironment, type Entropy, type Limits } from './runtime/context.ts';
import { defaultEntropy } from './runtime/entropy.ts';
import { TaskTokens } from './runtime/tokens.ts';
import type { TaskRegistry } from './services/types.ts';
import { stateRunners } from './states/index.ts';

export interface EnvironmentOptions {
  readonly tasks: TaskRegistry;
  readonly clock?: Clock;
  readonly entropy?: Entropy;
  readonly limits?: Partial<Limits>;
  readonly tokens?: TaskTokens;
  readonly region?: string;
  readonly account?: string;
}

export function createEnvironment(options: EnvironmentOptions): EngineEnvironment {
  const entropy = options.entropy ?? defaultEntropy;
  const limits = { ...AWS_LIMITS, ...options.limits };
  return {
    clock: options.clock ?? systemClock,
    tasks: options.tasks,
    entropy,
    limits,
    tokens: options.tokens ?? new TaskTokens(),
    stateRunners,
    // The guard's limits travel with the functions into every scope's bindings, at no cost per evaluation.
    functions: { ...entropyFunctions(entropy), [LIMITS_BINDING]: limits },
    region: options.region ?? 'us-east-1',
    account: options.account ?? '111111111111',
  };
}
