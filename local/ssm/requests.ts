/**
 * The request shapes of the supported operations, with the length and range constraints of the
 * SSM API reference, reported as AWS reports them: `ValidationException`, "N validation errors
 * detected: Value at 'maxResults' failed to satisfy constraint: ...". Values are never echoed.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Operations.html
 */
import { z } from 'zod';
import { validation } from './errors.ts';
import { PARAMETER_TYPES } from './store.ts';

function text(min: number, max: number) {
  return z
    .string()
    .min(min, `Member must have length greater than or equal to ${min}`)
    .max(max, `Member must have length less than or equal to ${max}`);
}

function whole(min: number, max: number) {
  return z
    .number()
    .int('Member must be an integer')
    .min(min, `Member must have value greater than or equal to ${min}`)
    .max(max, `Member must have value less than or equal to ${max}`);
}

function list<T extends z.ZodType>(item: T, min: number, max: number) {
  return z
    .array(item)
    .min(min, `Member must have length greater than or equal to ${min}`)
    .max(max, `Member must have length less than or equal to ${max}`);
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `Member must satisfy enum value set: [${values.join(', ')}]` });
}

const Name = text(1, 2048);
const ParameterFilters = list(
  z.object({
    Key: text(1, 132),
    Option: text(1, 10).optional(),
    Values: list(text(1, 1024), 1, 50).optional(),
  }),
  0,
  50,
);
export type ParameterFilter = z.infer<typeof ParameterFilters>[number];

export const PutParameterRequest = z.object({
  Name: Name,
  Value: z.string(),
  Type: oneOf(PARAMETER_TYPES).optional(),
  Description: text(0, 1024).optional(),
  KeyId: text(1, 256).optional(),
  Overwrite: z.boolean().optional(),
  AllowedPattern: text(0, 1024).optional(),
  Tags: list(z.object({ Key: text(1, 128), Value: text(0, 256) }), 0, 1000).optional(),
  Tier: oneOf(['Standard', 'Advanced', 'Intelligent-Tiering']).optional(),
  Policies: text(1, 4096).optional(),
  DataType: text(0, 128).optional(),
});

export const GetParameterRequest = z.object({ Name: Name, WithDecryption: z.boolean().optional() });

export const GetParametersRequest = z.object({
  Names: list(Name, 1, 10),
  WithDecryption: z.boolean().optional(),
});

export const GetParametersByPathRequest = z.object({
  Path: Name,
  Recursive: z.boolean().optional(),
  ParameterFilters: ParameterFilters.optional(),
  WithDecryption: z.boolean().optional(),
  MaxResults: whole(1, 10).optional(),
  NextToken: text(0, 1024).optional(),
});

export const DeleteParameterRequest = z.object({ Name: Name });

export const DeleteParametersRequest = z.object({ Names: list(Name, 1, 10) });

export const DescribeParametersRequest = z.object({
  Filters: list(
    z.object({ Key: oneOf(['Name', 'Type', 'KeyId']), Values: list(text(1, 1024), 1, 50) }),
    0,
    50,
  ).optional(),
  ParameterFilters: ParameterFilters.optional(),
  MaxResults: whole(1, 50).optional(),
  NextToken: text(0, 1024).optional(),
  Shared: z.boolean().optional(),
});

export const GetParameterHistoryRequest = z.object({
  Name: Name,
  WithDecryption: z.boolean().optional(),
  MaxResults: whole(1, 50).optional(),
  NextToken: text(0, 1024).optional(),
});

/** AWS names members in these messages in camelCase, list items as `<list>.<n>.member`. */
function memberPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'request';
  return path
    .map((part) =>
      typeof part === 'number'
        ? `${part + 1}.member`
        : `${String(part).charAt(0).toLowerCase()}${String(part).slice(1)}`,
    )
    .join('.');
}

export function parseRequest<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return result.data;
  const issues = result.error.issues;
  const details = issues
    .map((issue) => {
      const constraint =
        issue.code === 'invalid_type' && issue.input === undefined
          ? 'Member must not be null'
          : issue.message;
      return `Value at '${memberPath(issue.path)}' failed to satisfy constraint: ${constraint}`;
    })
    .join('; ');
  throw validation(`${issues.length} validation error${issues.length === 1 ? '' : 's'} detected: ${details}`);
}
