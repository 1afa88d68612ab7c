/**
 * Request validation with zod for the operations this service adds on top of dynalite, reported
 * as AWS reports it: a ValidationException naming members in lower camel case. Schemas are
 * strict: a member the service does not know is refused, never dropped.
 */
import type { z } from 'zod';
import { validation } from '../errors.ts';

const lowerFirst = (s: PropertyKey) => {
  const text = String(s);
  return text.charAt(0).toLowerCase() + text.slice(1);
};

export function parseRequest<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 10);
  const details = issues
    .map((i) => {
      const at = i.path.map(lowerFirst).join('.') || 'request';
      if (i.code === 'unrecognized_keys') {
        return `Member(s) ${i.keys.join(', ')} at '${at}' are not supported by the local DynamoDB endpoint`;
      }
      return i.code === 'invalid_type' && i.input === undefined
        ? `Value null at '${at}' failed to satisfy constraint: Member must not be null`
        : `Value at '${at}' failed to satisfy constraint: ${i.message}`;
    })
    .join('; ');
  throw validation(`${issues.length} validation error${issues.length === 1 ? '' : 's'} detected: ${details}`);
}
