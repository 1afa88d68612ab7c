/**
 * The loopback tool for manual runs: `GET /_sandbox/switches`, `POST /_sandbox/switches` (a JSON
 * object of the switches to change; a bad value is a 400 naming the field and the allowed values),
 * `GET /_sandbox/stats`. A JSON content type is required, so a web page in a browser cannot flip
 * a switch without a CORS preflight, which this server never grants.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequest, readJson, sendJson } from './http.ts';
import { describeSwitchesError, type SandboxControls, switchesUpdateSchema } from './switches.ts';

export async function handleControl(
  controls: SandboxControls,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
) {
  if (path === '/_sandbox/stats' && req.method === 'GET') return sendJson(res, 200, controls.stats());
  if (path !== '/_sandbox/switches') return sendJson(res, 404, { error: 'not_found' });
  if (req.method === 'GET') return sendJson(res, 200, controls.switches());
  if (req.method !== 'POST')
    return sendJson(res, 405, { error: 'method_not_allowed' }, { Allow: 'GET, POST' });
  let body: unknown;
  try {
    body = await readJson(req);
  } catch (error) {
    if (error instanceof BadRequest) return sendJson(res, error.status, { error: error.message });
    throw error;
  }
  const parsed = switchesUpdateSchema.safeParse(body);
  if (!parsed.success) return sendJson(res, 400, { error: describeSwitchesError(parsed.error) });
  controls.setSwitches(parsed.data);
  return sendJson(res, 200, controls.switches());
}
