import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpApi, startHttpApi } from '../../../local/http/index.ts';

describe('the local HTTP routes (API Gateway stand-in)', () => {
  let api: HttpApi;
  const events: Record<string, unknown>[] = [];
  beforeAll(async () => {
    api = await startHttpApi({
      routes: [
        {
          method: 'GET',
          path: '/items/{id}',
          auth: 'none',
          publicBecause: 'a test route',
          functionName: 'items',
        },
        {
          method: 'HEAD',
          path: '/items/{id}',
          auth: 'none',
          publicBecause: 'a test route',
          functionName: 'items',
        },
        { method: 'POST', path: '/items/{id}', auth: 'cognito', functionName: 'items' },
      ],
      handlers: {
        items: async (event) => {
          events.push(event as Record<string, unknown>);
          return { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'hello' };
        },
      },
      authorizer: () => ({ issuer: 'http://127.0.0.1:9/pool', audience: 'client' }),
      localPages: { '/_local/ping': async () => ({ statusCode: 200, headers: {}, body: 'pong' }) },
    });
  });
  afterAll(() => api.close());

  it('passes a payload-format-2.0 event with the decoded path parameters and the route key', async () => {
    const response = await fetch(`${api.endpoint}/items/a%20b?x=1`);
    expect(await response.text()).toBe('hello');
    expect(events.at(-1)).toMatchObject({
      version: '2.0',
      routeKey: 'GET /items/{id}',
      rawPath: '/items/a%20b',
      rawQueryString: 'x=1',
      pathParameters: { id: 'a b' },
      requestContext: { http: { method: 'GET' } },
    });
  });

  it('answers HEAD without a body, and 404 for a path or method no route has, as API Gateway does', async () => {
    const head = await fetch(`${api.endpoint}/items/1`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await fetch(`${api.endpoint}/nothing`)).status).toBe(404);
    expect((await fetch(`${api.endpoint}/items/1`, { method: 'DELETE' })).status).toBe(404);
  });

  it('answers 401 before the handler runs when a Cognito route gets no valid ID token', async () => {
    const before = events.length;
    expect((await fetch(`${api.endpoint}/items/1`, { method: 'POST' })).status).toBe(401);
    const forged = await fetch(`${api.endpoint}/items/1`, {
      method: 'POST',
      headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
    });
    expect(forged.status).toBe(401);
    expect(events.length).toBe(before);
  });

  it('serves the local cloud’s own pages', async () => {
    expect(await (await fetch(`${api.endpoint}/_local/ping`)).text()).toBe('pong');
  });
});
