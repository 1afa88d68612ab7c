/** `wf validate`: parse and validate a definition, as CreateStateMachine would. */
import { DefinitionErrors, parseDefinition, type State, type StateGraph } from '../asl/index.ts';
import { UsageError } from './errors.ts';
import { readJsonArgument, readText } from './io.ts';

interface Parsed {
  values: { substitutions?: string | undefined };
  positionals: string[];
}

export function validateCommand({ values, positionals }: Parsed): number {
  const [path, ...extra] = positionals;
  if (!path || extra.length > 0) throw new UsageError('wf validate takes exactly one definition file.');
  const substitutions = values.substitutions
    ? (readJsonArgument(values.substitutions, 'Substitutions') as Record<string, string>)
    : undefined;
  try {
    const definition = parseDefinition(readText(path, 'Definition'), substitutions ? { substitutions } : {});
    const count = countStates(definition);
    process.stdout.write(`${path}: valid (${count} states, query language ${definition.queryLanguage})\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof DefinitionErrors)) throw error;
    process.stderr.write(`${path}: invalid definition\n`);
    for (const e of error.errors) process.stderr.write(`  ${e.path}: ${e.message}\n`);
    return 1;
  }
}

function countStates(graph: StateGraph): number {
  let n = 0;
  for (const state of graph.states.values()) n += 1 + nested(state);
  return n;
}

function nested(state: State): number {
  if (state.type === 'Parallel') return state.branches.reduce((sum, b) => sum + countStates(b), 0);
  if (state.type === 'Map') return countStates(state.processor);
  return 0;
}
