/**
 * DynamoDB's typed JSON (AttributeValue) as plain JSON, for display only: `@aws-sdk/util-dynamodb`
 * is not a dependency of the project, and a page needs no more than this. Numbers stay numbers
 * while JavaScript holds them exactly, else they are kept as their decimal text; binary values
 * are shown as base64 text; sets become arrays.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeValue.html
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

function number(text: string): number | string {
  const n = Number(text);
  return Number.isFinite(n) && String(n) === text ? n : text;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

export function plainValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.B !== undefined) return base64(value.B);
  if (value.M !== undefined) return plainItem(value.M);
  if (value.L !== undefined) return value.L.map(plainValue);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(number);
  if (value.BS !== undefined) return value.BS.map(base64);
  return value;
}

export function plainItem(item: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, plainValue(value)]));
}
