/** JSON text of payloads as AWS writes them into events: compact, UTF-8 sized. */

export function toJsonText(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
