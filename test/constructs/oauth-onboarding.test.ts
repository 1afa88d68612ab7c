/** The OAuth settings from CDK context (the synthesized app's OAuth checks run in app.test.ts). */
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../constructs/index.ts';
import { OAUTH_SETTINGS as SETTINGS } from './oauth-onboarding.ts';

describe('the OAuth settings from CDK context', () => {
  const config = (context: Record<string, string>) => readConfig(new App({ context }), {});

  it('is optional: without them the defaults of workflows/wiring.ts apply', () => {
    expect(config({}).settings).toEqual({ approvalTimeoutSeconds: expect.any(String) });
  });

  it('passes the ones given into the settings', () => {
    expect(config(SETTINGS).settings).toMatchObject(SETTINGS);
  });

  it('refuses an issuer or an API that is not https, naming the key', () => {
    expect(() => config({ oauthIssuer: 'http://login.acme.example' })).toThrow(ConfigError);
    expect(() => config({ oauthIssuer: 'http://login.acme.example' })).toThrow(
      /oauthIssuer: an https:\/\/ URL .*got 'http:\/\/login\.acme\.example'/,
    );
    expect(() => config({ oauthApiB: 'ftp://b.example' })).toThrow(/oauthApiB: an https:\/\/ URL/);
  });

  it('refuses a provider name that cannot be part of a connection id, and malformed scopes', () => {
    expect(() => config({ oauthProviderName: 'Acme Corp' })).toThrow(/oauthProviderName: 1-32 lowercase/);
    expect(() => config({ oauthScopes: 'openid  offline_access' })).toThrow(/oauthScopes: scopes separated/);
  });
});
