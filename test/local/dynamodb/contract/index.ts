/**
 * The DynamoDB + DynamoDB Streams contract suite, through the official AWS SDK v3 clients. It
 * takes the target as a function because the endpoint is known only once the target started.
 */
import { controlledContract } from './controlled.ts';
import type { ContractOptions, ContractTarget } from './harness.ts';
import { iteratorContract } from './iterators.ts';
import { streamContract } from './streams.ts';
import { ttlContract } from './ttl-transactions.ts';

export type { ContractOptions, ContractTarget, TargetControls } from './harness.ts';

export function dynamoDbContract(target: () => ContractTarget, options: ContractOptions): void {
  streamContract(target, options);
  iteratorContract(target);
  ttlContract(target);
  if (options.controlled) controlledContract(target);
}
