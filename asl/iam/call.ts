/** One SDK call a task makes, as the per-service resource rules see it, and helpers the rules share. */
import { type arrayAt, DynamicValue, type Field, field, rootOf, runtimeValue } from './arguments.ts';
import { type Scoped, scoped, unscoped } from './arn.ts';
import { iamActionNames } from './services.ts';
import type { ArnScope, Grant } from './types.ts';

export interface SdkCall {
  /** The SDK service name (`dynamodb`, `rdsdata`). */
  readonly service: string;
  /** The operation as the Resource spells it (`putItem`). */
  readonly action: string;
  /** The IAM prefix (`dynamodb`, `rds-data`). */
  readonly prefix: string;
  /** The Arguments tree (see arguments.ts). */
  readonly args: unknown;
  readonly scope: ArnScope;
}

/** Resource rules per SDK service: what the call needs on which resources. */
export type SdkRule = (call: SdkCall) => readonly Grant[];

/** The call's own IAM actions (`dynamodb:PutItem`). */
export function callActions(call: SdkCall): readonly string[] {
  return iamActionNames(call.service, call.action).map((name) => `${call.prefix}:${name}`);
}

export function grant(actions: readonly string[], on: Scoped): Grant {
  return on.reason === undefined
    ? { actions, resources: on.resources }
    : { actions, resources: on.resources, reason: on.reason };
}

/** The call's own actions on the given resources. */
export function grantCall(call: SdkCall, on: Scoped): readonly Grant[] {
  return [grant(callActions(call), on)];
}

/** How {@link each} reads the items of a list argument. */
interface EachItem {
  /** Singular and plural, for reasons: `event bus`, `event buses`. */
  readonly what: string;
  readonly whats: string;
  readonly toArns: (value: string) => readonly string[] | undefined;
  /** Where the string sits inside each item (`['EventBusName']`); the item itself when empty. */
  readonly path?: readonly (string | number)[];
  /** Resources for an item that leaves the string out (PutEvents: the default bus). */
  readonly whenAbsent?: () => readonly string[];
}

/** The resources every item of the list at `key` names, as one scope. */
export function each(call: SdkCall, list: ReturnType<typeof arrayAt>, key: string, item: EachItem): Scoped {
  if (list.kind === 'absent') return unscoped(`${rootOf(call.args)}.${key} is not given`);
  if (list.kind === 'dynamic') {
    return unscoped(`${runtimeValue(list.location)}, so the ${item.whats} are known only at run time`);
  }
  const parts = list.items.map((value, i): Scoped => {
    const f: Field =
      value instanceof DynamicValue
        ? { kind: 'dynamic', location: value.location }
        : field(call.args, [key, i, ...(item.path ?? [])]);
    return f.kind === 'absent' && item.whenAbsent
      ? { resources: item.whenAbsent() }
      : scoped(f, item.what, item.toArns);
  });
  return parts.length === 0 ? unscoped(`${rootOf(call.args)}.${key} is empty`) : parts.reduce(union);
}

/** Both sets of resources in one scope; `*` absorbs the rest and keeps every reason. */
export function union(a: Scoped, b: Scoped): Scoped {
  const reasons = [a.reason, b.reason].filter((r): r is string => r !== undefined);
  const resources =
    a.resources.includes('*') || b.resources.includes('*')
      ? ['*']
      : [...new Set([...a.resources, ...b.resources])];
  return reasons.length > 0 ? { resources, reason: reasons.join('; ') } : { resources };
}
