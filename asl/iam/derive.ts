/**
 * The least-privilege IAM policy of a state machine, derived from its definition: every Task
 * (inside Parallel branches and Map processors too), every Map ItemReader, and the child
 * executions of a DISTRIBUTED Map. Resources are scoped to the ARNs the literal Arguments name
 * after `${Name}` substitution; an argument that is a JSONata expression gives `*` with a reason.
 * Actions are always named; the derivation never writes a wildcard action.
 */
import type { State, StateMachineDefinition } from '../definition/types.ts';
import { mergeGrants } from './merge.ts';
import { assumeRoleGrants, distributedMapGrants, taskGrants } from './task.ts';
import type { ArnScope, DeriveIamOptions, Grant, IamStatement } from './types.ts';

/** Throws {@link import('./errors.ts').IamDerivationError} for a task whose permissions cannot be derived. */
export function deriveIamPolicy(
  definition: StateMachineDefinition,
  options: DeriveIamOptions = {},
): IamStatement[] {
  const scope: ArnScope = {
    partition: options.partition ?? 'aws',
    region: options.region ?? '*',
    account: options.account ?? '*',
  };
  const grants: Grant[] = [];
  for (const state of walk(definition.states)) grants.push(...stateGrants(state, scope, options));
  return mergeGrants(grants);
}

/** Every state, depth first, including those of Parallel branches and Map processors. */
function* walk(states: ReadonlyMap<string, State>): Generator<State> {
  for (const state of states.values()) {
    yield state;
    if (state.type === 'Parallel') for (const branch of state.branches) yield* walk(branch.states);
    if (state.type === 'Map') yield* walk(state.processor.states);
  }
}

function stateGrants(state: State, scope: ArnScope, options: DeriveIamOptions): readonly Grant[] {
  switch (state.type) {
    case 'Task': {
      // JSONPath tasks give their arguments as Parameters and their Credentials with `.$` keys.
      const credentials = state.credentials ?? state.credentialsPayload;
      const grants = credentials
        ? assumeRoleGrants(credentials)
        : state.io
          ? taskGrants(state.name, state.resource, state.io.parameters, scope, 'Parameters')
          : taskGrants(state.name, state.resource, state.arguments, scope);
      return labelled(state.name, grants);
    }
    case 'Map': {
      const reader = state.itemReader
        ? taskGrants(
            state.name,
            state.itemReader.resource,
            state.itemReader.arguments ?? state.itemReader.parameters,
            scope,
            state.itemReader.parameters ? 'ItemReader.Parameters' : 'Arguments',
          )
        : [];
      const children =
        state.mode === 'DISTRIBUTED' ? distributedMapGrants(scope, options.stateMachineName) : [];
      return labelled(state.name, [...reader, ...children]);
    }
    default:
      return [];
  }
}

/** Reasons name their state, so a reader of the policy can find the task that needs the breadth. */
function labelled(name: string, grants: readonly Grant[]): readonly Grant[] {
  return grants.map((g) => (g.reason === undefined ? g : { ...g, reason: `State '${name}': ${g.reason}.` }));
}
