/**
 * Runs one of dynalite's operations as it is. dynalite's type check silently drops members it
 * does not know, at any depth (a newer API member such as SSESpecification, or OnDemandThroughput
 * inside a global secondary index): this compares the request before and after that check and
 * refuses the request, naming what would have been dropped, instead of ignoring it.
 */
import { fromDynalite, unsupported } from '../errors.ts';
import type { Backend } from './backend.ts';
import { call, dynaliteAction, validate } from './dynalite.ts';

/** The paths of members present (non-null) in `original` and missing from `checked`. */
function droppedMembers(original: unknown, checked: unknown, path: string): string[] {
  if (typeof original !== 'object' || original === null) return [];
  if (typeof checked !== 'object' || checked === null) return [];
  const kept = checked as Record<string, unknown>;
  return Object.entries(original as Record<string, unknown>).flatMap(([member, value]) => {
    if (value == null) return [];
    const at = path ? `${path}.${member}` : member;
    return member in kept ? droppedMembers(value, kept[member], at) : [at];
  });
}

/** `handled` names members the caller implements itself; they reach the action unchecked. */
export async function runDynalite(
  backend: Backend,
  operation: string,
  body: Record<string, unknown>,
  handled: readonly string[] = [],
): Promise<unknown> {
  const { action, validation: checks } = dynaliteAction(operation);
  const kept = Object.fromEntries(handled.filter((m) => body[m] != null).map((m) => [m, body[m]]));
  const request = Object.fromEntries(Object.entries(body).filter(([m]) => !handled.includes(m)));
  // The check edits nested structures in place, so the comparison needs its own copy.
  const original = structuredClone(request);
  let data: Record<string, unknown>;
  try {
    data = validate(request, checks, backend.store);
  } catch (error) {
    throw fromDynalite(error) ?? error;
  }
  const dropped = droppedMembers(original, data, '');
  if (dropped.length > 0) {
    throw unsupported(
      `${dropped.join(', ')} on ${operation} (dynalite 4.0.0 has no such member)`,
      'Remove the member(s), or run this against AWS or DynamoDB Local.',
    );
  }
  try {
    return await call(action, backend.store, Object.assign(data, kept));
  } catch (error) {
    throw fromDynalite(error) ?? error;
  }
}
