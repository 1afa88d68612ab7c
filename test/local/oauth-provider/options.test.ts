import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SandboxProviderError, startSandboxProvider } from '../../../local/oauth-provider/index.ts';
import { REDIRECT_URI, signIn, startHarness, stopHarness, tempDataDir } from './fixture.ts';

describe('sandbox OAuth provider: start options', () => {
  it.each([
    ['no redirect URI', { redirectUris: [] }, /redirectUris: must list at least one callback URL/],
    [
      'a relative redirect URI',
      { redirectUris: ['/auth/callback'] },
      /redirectUris\.0: must be an absolute http\(s\) URL/,
    ],
    ['a redirect URI with a fragment', { redirectUris: [`${REDIRECT_URI}#x`] }, /without a fragment/],
    ['a port out of range', { redirectUris: [REDIRECT_URI], port: 70000 }, /port/],
    ['a zero TTL', { redirectUris: [REDIRECT_URI], accessTokenTtlSeconds: 0 }, /accessTokenTtlSeconds/],
  ])('refuses %s with a SandboxProviderError naming the option', async (_label, options, message) => {
    const dataDir = await tempDataDir();
    try {
      const started = startSandboxProvider({ dataDir, ...options });
      await expect(started).rejects.toThrow(SandboxProviderError);
      await expect(started).rejects.toThrow(message);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a damaged secrets file, saying how to start over', async () => {
    const dataDir = await tempDataDir();
    try {
      await writeFile(join(dataDir, 'oauth-provider-secrets.json'), '{"clientSecret":"short"}');
      await expect(startSandboxProvider({ dataDir, redirectUris: [REDIRECT_URI] })).rejects.toThrow(
        /secrets file .* is not valid .*; delete it/,
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a damaged store file, saying how to start over', async () => {
    const dataDir = await tempDataDir();
    try {
      await writeFile(join(dataDir, 'oauth-provider-store.json'), '{not json');
      await expect(startSandboxProvider({ dataDir, redirectUris: [REDIRECT_URI] })).rejects.toThrow(
        /store .* is not in the expected format; delete it/,
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps its secrets and issued tokens sealed at rest, never as plain text', async () => {
    const h = await startHarness();
    try {
      const tokens = await signIn(h);
      await h.provider.close();
      const files = await readdir(h.dataDir);
      expect(files).toEqual(expect.arrayContaining(['oauth-provider.key', 'oauth-provider-secrets.json']));
      const text = (await Promise.all(files.map((f) => readFile(join(h.dataDir, f)))))
        .map((b) => b.toString('latin1'))
        .join('\n');
      for (const secret of [
        h.provider.client.clientSecret,
        tokens.access_token,
        tokens.refresh_token ?? 'none',
      ])
        expect(text.includes(secret)).toBe(false);
    } finally {
      await stopHarness(h);
    }
  }, 30_000);

  it('names the port when it cannot listen', async () => {
    const dataDir = await tempDataDir();
    const first = await startSandboxProvider({ dataDir, redirectUris: [REDIRECT_URI] });
    try {
      const port = Number(new URL(first.endpoint).port);
      await expect(startSandboxProvider({ dataDir, port, redirectUris: [REDIRECT_URI] })).rejects.toThrow(
        new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}`),
      );
    } finally {
      await first.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
