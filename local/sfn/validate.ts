/** Request validation with zod, reported as AWS reports it (ValidationException). */
import type { z } from 'zod';
import { SfnApiError } from './errors.ts';

export function parseRequest<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const details = issues
    .map((i) => {
      const at = i.path.join('.') || 'request';
      return i.code === 'invalid_type' && i.input === undefined
        ? `Value null at '${at}' failed to satisfy constraint: Member must not be null`
        : `Value at '${at}' failed to satisfy constraint: ${i.message}`;
    })
    .join('; ');
  throw new SfnApiError(
    'ValidationException',
    `${issues.length} validation error${issues.length === 1 ? '' : 's'} detected: ${details}`,
  );
}
