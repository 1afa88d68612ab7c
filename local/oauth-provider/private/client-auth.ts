/**
 * HTTP Basic client authentication (RFC 6749 section 2.3.1: client id and secret, each
 * form-urlencoded, then base64) for API B's session endpoint, compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function basicClientMatches(req: IncomingMessage, clientId: string, clientSecret: string): boolean {
  const match = /^Basic ([A-Za-z0-9+/]+=*)$/.exec(req.headers.authorization ?? '');
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  try {
    const id = formDecode(decoded.slice(0, colon));
    const secret = formDecode(decoded.slice(colon + 1));
    return sameText(id, clientId) && sameText(secret, clientSecret);
  } catch {
    return false;
  }
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replaceAll('+', ' '));
}

function sameText(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}
