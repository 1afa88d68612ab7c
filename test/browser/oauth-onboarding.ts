/**
 * OAuth onboarding in a real browser (Debian's chromium, driven by playwright-core): the demo
 * admin signs in on /connections, connects, signs in at the sandbox provider as alice, allows
 * consent, comes back through /auth/callback (303, no referrer, the code gone from the address
 * bar), waits for discovery and sees the active and skipped resources (a hostile project name
 * shown as text), then disconnects. No page logs an error or a Content-Security-Policy violation.
 * Screenshots of the consent page and the connections page are kept in test-artifacts/.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, Response } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalApp } from '../../local/app.ts';
import type { BrowserRig } from './fixture.ts';

const ARTIFACTS = 'test-artifacts/oauth-onboarding';
/** Discovery runs two workflows' worth of Lambdas on a loaded 2-core machine: generous. */
const DISCOVERY_MS = 90_000;

let app: LocalApp;
let browser: Browser;

export function describeOAuthOnboarding(rig: () => BrowserRig): void {
  describe('OAuth onboarding in a browser', () => {
    beforeAll(() => {
      app = rig().app;
      browser = rig().browser;
    });

    it('connects the provider account through sign-in and consent, shows what discovery found, and disconnects', async () => {
      const admin = app.demo;
      if (!admin) throw new Error('the demo admin was not seeded');
      const web = app.http.endpoint;
      const page = await browser.newPage();
      page.setDefaultTimeout(30_000);

      // Every console error and every CSP violation, on any page of the flow, fails the test.
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error on ${page.url()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`uncaught on ${page.url()}: ${error.message}`));
      await page.exposeFunction('reportCspViolation', (report: string) => {
        problems.push(`CSP violation on ${page.url()}: ${report}`);
      });
      // Init scripts run outside the page's CSP, so this listener is there on every document
      // (a string: the project's TypeScript has no DOM types).
      await page.addInitScript(`document.addEventListener('securitypolicyviolation', (event) =>
      window.reportCspViolation(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline') + ' in ' + event.sourceFile));`);
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.accept();
      });
      const callbacks: Response[] = [];
      page.on('response', (response) => {
        if (new URL(response.url()).pathname === '/auth/callback') callbacks.push(response);
      });

      await page.goto(`${web}/connections`);
      await page.getByLabel('Email').fill(admin.email);
      await page.getByLabel('Password').fill(admin.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText(`Signed in as ${admin.email}.`).waitFor();
      await page.getByText('No connections yet.').waitFor();

      await page.getByRole('button', { name: 'Connect your provider account' }).click();
      await page.waitForURL((url) => url.origin === new URL(app.oauthProvider.endpoint).origin);
      await page.getByRole('heading', { name: 'Sign in to the sandbox provider' }).waitFor();
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password').fill('sandbox-alice');
      await page.getByRole('button', { name: 'Sign in' }).click();

      await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
      await page.getByText('Signed in as Alice Example.').waitFor();
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: `${ARTIFACTS}/consent.png`, fullPage: true });
      await page.getByRole('button', { name: 'Allow' }).click();

      const status = page.getByRole('status');
      await expect
        .poll(() => status.textContent(), { timeout: DISCOVERY_MS, interval: 250 })
        .toBe('Discovery finished: CONNECTED.');

      // The callback answered with a redirect that sends no referrer (its URL held the code), and
      // the page took the connection id out of the address bar.
      expect(callbacks.map((response) => response.status())).toEqual([303]);
      const callback = callbacks[0];
      if (!callback) throw new Error('no /auth/callback response was seen');
      expect(new URL(callback.url()).searchParams.has('code')).toBe(true);
      const headers = await callback.allHeaders();
      expect(headers['referrer-policy']).toBe('no-referrer');
      expect(headers.location).toMatch(/^\/connections\?connection=/);
      expect(page.url()).toBe(`${web}/connections`);
      expect(page.url()).not.toContain('code=');

      const card = page.locator('article.connection');
      await expect(card.count()).resolves.toBe(1);
      await expect(card.locator('.status').textContent()).resolves.toBe('CONNECTED');
      await expect(card.locator('h2').textContent()).resolves.toBe('Alice Example');
      const active = card.locator('section', {
        has: page.getByRole('heading', { name: /^Active resources/ }),
      });
      const skipped = card.locator('section', {
        has: page.getByRole('heading', { name: /^Skipped resources/ }),
      });
      await expect(active.locator('h3').textContent()).resolves.toBe('Active resources (5)');
      await expect(skipped.locator('h3').textContent()).resolves.toBe('Skipped resources (4)');
      await expect(active.locator('li').count()).resolves.toBe(5);
      await expect(skipped.locator('li').count()).resolves.toBe(4);
      const skippedText = (await skipped.locator('li').allTextContents()).join('\n');
      expect(skippedText).toContain('Legacy intranet');
      expect(skippedText).toContain('Archived at the provider.');
      expect(skippedText).toContain('Suspended at the provider.');

      // The project named `Q3 report <img src=x onerror=alert(1)> \u202Etxt.exe` is text: no
      // element made of it, its override shown as U+FFFD so it cannot reverse what follows.
      await expect(page.locator('img').count()).resolves.toBe(0);
      await expect(page.locator('#connections b').count()).resolves.toBe(0);
      expect(skippedText).toContain('Old agency "account" & <b>co</b>');
      const hostile = page.locator('li', { hasText: 'Q3 report' });
      await expect(hostile.count()).resolves.toBe(1);
      const hostileText = (await hostile.textContent()) ?? '';
      expect(hostileText).toContain('Q3 report <img src=x onerror=alert(1)> \uFFFDtxt.exe');
      expect(hostileText).not.toContain('\u202E');
      expect(dialogs).toEqual([]);
      await page.screenshot({ path: `${ARTIFACTS}/connections.png`, fullPage: true });

      await card.getByRole('button', { name: 'Disconnect' }).click();
      await expect
        .poll(() => card.locator('.status').textContent(), { timeout: DISCOVERY_MS, interval: 250 })
        .toBe('REVOKED');
      await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe('Disconnected.');
      expect(dialogs).toEqual(['Disconnect this account? The app forgets its tokens and resources.']);
      await expect(card.getByRole('button', { name: 'Disconnect' }).count()).resolves.toBe(0);

      expect(problems).toEqual([]);
      await page.close();
    }, 240_000);
  });
}
