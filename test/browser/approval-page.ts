/**
 * The approval page in a real browser (Debian's chromium, driven by playwright-core): a new
 * member signs up, the admin opens the link from the outbox, signs in against the local Cognito,
 * approves, and sees the confirmation. The screenshot is kept in test-artifacts/.
 */
import { mkdir } from 'node:fs/promises';
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalApp } from '../../local/app.ts';
import { executionName } from '../../tasks/pre-sign-up/handler.ts';
import type { BrowserRig } from './fixture.ts';

let app: LocalApp;
let browser: Browser;

/** Polls (real time: the browser and the services run on the wall clock here). */
async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const found = await check();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

export function describeApprovalPage(rig: () => BrowserRig): void {
  describe('the approval page in a browser', () => {
    beforeAll(() => {
      app = rig().app;
      browser = rig().browser;
    });

    it('a new member signs up, the admin opens the emailed link, signs in, approves, and sees the confirmation', async () => {
      const email = 'browser.user@acme.example';
      const admin = app.demo;
      if (!admin) throw new Error('the demo admin was not seeded');
      const page = await browser.newPage();

      await page.goto(`${app.http.endpoint}/signup`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('Browser-passw0rd!');
      await page.getByLabel('Company').fill('Acme');
      await page.getByRole('button', { name: 'Sign up' }).click();
      await page.getByText(/confirm your address with the link we sent/).waitFor();

      // The new member proves the address first: no admin is mailed before.
      await until(
        async () => (await app.cloud.outbox()).find((m) => m.to.includes(email)),
        'the address check email',
      );
      await page.goto(`${app.console.endpoint}/data/outbox`);
      await page
        .getByRole('link', { name: /\/verify\// })
        .first()
        .click();
      await page.getByLabel('Password chosen at sign-up').fill('Browser-passw0rd!');
      await page.getByRole('button', { name: 'Yes, this is my address' }).click();
      await page.getByText(/your address is confirmed/).waitFor();

      await until(
        async () => (await app.cloud.outbox()).find((m) => m.to.includes(admin.email)),
        'the approval email',
      );
      await page.goto(`${app.console.endpoint}/data/outbox`);
      await page
        .getByRole('link', { name: /\/approvals\// })
        .first()
        .click();
      await expect(page.locator('h1').textContent()).resolves.toBe(`${email} asks to join Acme`);
      await expect(page.locator('h1 bdi').count()).resolves.toBe(2);
      await page.getByLabel('Email').fill(admin.email);
      await page.getByLabel('Password').fill(admin.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText(`Signed in as ${admin.email}.`).waitFor();
      await page.getByRole('button', { name: 'Approve' }).click();
      await page.getByText('Done: the request was approved.').waitFor();
      await mkdir('test-artifacts', { recursive: true });
      await page.screenshot({ path: 'test-artifacts/approval-page.png', fullPage: true });

      const cognito = new CognitoIdentityProviderClient(app.cloud.sdkConfig('COGNITO_IDENTITY_PROVIDER'));
      const user = await cognito.send(
        new AdminGetUserCommand({ UserPoolId: app.deployment.userPoolId, Username: email }),
      );
      const UserSub = user.Username;
      const sfn = new SFNClient(app.cloud.sdkConfig('SFN'));
      const arn = `${(app.deployment.stateMachines['signup-approval'] ?? '').replace(':stateMachine:', ':execution:')}:${executionName(UserSub ?? '')}`;
      const execution = await until(async () => {
        const found = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
        return found.status === 'RUNNING' ? undefined : found;
      }, 'the approval to finish');
      expect(JSON.parse(execution.output ?? 'null')).toEqual({
        outcome: 'APPROVED',
        group: 'company-acme',
        unreachedAdmins: [],
      });
      // Reloading the page now reads the decision, and offers no buttons.
      await page.reload();
      await expect(page.getByRole('status').textContent()).resolves.toBe(
        'Already decided: this request was approved.',
      );
    }, 60_000);
  });
}
