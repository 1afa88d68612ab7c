/** Reading request members: the SDK sends the model's types, anything else is a serialization error. */
import { missingParameter, serialization } from './errors.ts';

export type Body = Record<string, unknown>;

export function optionalString(body: Body, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw serialization(`${name} must be a string, got ${typeof value}.`);
  return value;
}

export function requiredString(body: Body, name: string): string {
  const value = optionalString(body, name);
  if (value === undefined) throw missingParameter(name);
  return value;
}

export function optionalInteger(body: Body, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw serialization(`${name} must be an integer, got ${JSON.stringify(value)}.`);
  }
  return value;
}

export function stringList(body: Body, name: string): string[] {
  const value = body[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw serialization(`${name} must be a list of strings.`);
  }
  return value as string[];
}

export function stringMap(body: Body, name: string): Record<string, string> {
  const value = body[name];
  if (value === undefined || value === null) return {};
  if (
    typeof value !== 'object' ||
    Array.isArray(value) ||
    Object.values(value).some((v) => typeof v !== 'string')
  ) {
    throw serialization(`${name} must be a map of strings.`);
  }
  return value as Record<string, string>;
}

export function objectList(body: Body, name: string): Body[] {
  const value = body[name];
  if (value === undefined || value === null) return [];
  if (
    !Array.isArray(value) ||
    value.some((item) => typeof item !== 'object' || item === null || Array.isArray(item))
  ) {
    throw serialization(`${name} must be a list of objects.`);
  }
  return value as Body[];
}
