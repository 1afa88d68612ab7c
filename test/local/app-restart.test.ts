/**
 * What survives a restart of the whole app: the HTTP routes' address (links in emails sent before
 * it) and the Cognito issuer and signing key (ID tokens issued before it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApp } from '../../local/app.ts';

const START = 120_000;

describe('the local app across a restart', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'app-restart-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it(
    'keeps the HTTP routes where they were, and accepts ID tokens issued before',
    async () => {
      const first = await startLocalApp({ dataDir: dir });
      const link = `${first.http.endpoint}/approvals/00000000-0000-4000-8000-000000000000`;
      const cognito = new CognitoIdentityProviderClient(first.cloud.sdkConfig('COGNITO_IDENTITY_PROVIDER'));
      const signedIn = await cognito.send(
        new InitiateAuthCommand({
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: first.deployment.userPoolClientId,
          AuthParameters: { USERNAME: first.demo?.email ?? '', PASSWORD: first.demo?.password ?? '' },
        }),
      );
      const token = signedIn.AuthenticationResult?.IdToken ?? '';
      const post = () =>
        fetch(link, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ decision: 'APPROVE' }),
        });
      // Past the authorizer: an unknown approval, not 401.
      expect((await post()).status).toBe(404);
      await first.close();

      const second = await startLocalApp({ dataDir: dir });
      try {
        expect(second.http.endpoint).toBe(new URL(link).origin);
        expect((await post()).status).toBe(404);
        expect((await fetch(link)).status).toBe(404);
      } finally {
        await second.close();
      }
    },
    START * 2,
  );
});
