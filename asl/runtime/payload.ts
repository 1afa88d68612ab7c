/** JSON text of payloads as AWS writes them into events: compact, UTF-8 sized. */

export function toJsonText(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** True when `text` is certainly within `limit` bytes: UTF-8 takes at most 3 bytes per UTF-16 unit. */
export function surelyWithin(text: string, limit: number): boolean {
  return text.length * 3 <= limit;
}
