/**
 * Folding the grants of every task into few, stable statements: each action gets the union of its
 * resources (`*` absorbs the rest), then actions with identical resources share one statement.
 * Everything is sorted, so the same definition always yields the same policy (and CDK diff stays quiet).
 */
import type { Grant, IamStatement } from './types.ts';

const ANY = '*';

export function mergeGrants(grants: readonly Grant[]): IamStatement[] {
  // action → resource → the reasons given for that pair
  const byAction = new Map<string, Map<string, Set<string>>>();
  for (const g of grants) {
    for (const action of g.actions) {
      const resources = byAction.get(action) ?? new Map<string, Set<string>>();
      byAction.set(action, resources);
      for (const resource of g.resources) {
        const reasons = resources.get(resource) ?? new Set<string>();
        resources.set(resource, reasons);
        if (g.reason !== undefined) reasons.add(g.reason);
      }
    }
  }

  const statements = new Map<string, { actions: string[]; resources: string[]; reasons: Set<string> }>();
  for (const [action, resources] of byAction) {
    // `*` already covers every named resource; keeping both would only hide the broad grant.
    const kept = resources.has(ANY) ? new Map([[ANY, resources.get(ANY) ?? new Set<string>()]]) : resources;
    const names = [...kept.keys()].sort();
    const key = names.join('\n');
    const statement = statements.get(key) ?? { actions: [], resources: names, reasons: new Set<string>() };
    statements.set(key, statement);
    statement.actions.push(action);
    for (const reasons of kept.values()) for (const reason of reasons) statement.reasons.add(reason);
  }

  return [...statements.values()]
    .map(({ actions, resources, reasons }) => {
      const reason = [...reasons].sort().join(' ');
      const sorted = { actions: actions.sort(), resources };
      return reason === '' ? sorted : { ...sorted, reason };
    })
    .sort(
      (a, b) =>
        compare(a.actions.join('\n'), b.actions.join('\n')) ||
        compare(a.resources.join('\n'), b.resources.join('\n')),
    );
}

/** Code-unit order, so the result does not depend on the runtime's locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
