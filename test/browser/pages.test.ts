/**
 * The pages in a real browser (Debian's chromium, driven by playwright-core), on one local cloud
 * and one browser for the file (starting each takes seconds): the approval page, and OAuth
 * onboarding from the connections page through the sandbox provider and back, and the operator
 * console.
 */
import { afterAll, beforeAll } from 'vitest';
import { describeApprovalPage } from './approval-page.ts';
import { describeConsole } from './console.ts';
import { type BrowserRig, startBrowserRig } from './fixture.ts';
import { describeOAuthOnboarding } from './oauth-onboarding.ts';

let rig: BrowserRig;

beforeAll(async () => {
  rig = await startBrowserRig('browser-');
}, 180_000);

afterAll(async () => {
  await rig?.close();
}, 60_000);

describeApprovalPage(() => rig);
describeOAuthOnboarding(() => rig);
describeConsole(() => rig);
