/** What the documentation-rule tests share: a definition's problems as parseDefinition reports them. */
import { DefinitionErrors, parseDefinition } from '../../../asl/index.ts';

/** Each problem as `<path>: <message>`; none when the definition is valid. */
export function problems(definition: object): string[] {
  try {
    parseDefinition(definition);
  } catch (error) {
    if (error instanceof DefinitionErrors) return error.errors.map((e) => `${e.path}: ${e.message}`);
    throw error;
  }
  return [];
}
