/**
 * The sandbox's people and their resources: who can sign in (and with which password, shown as a
 * hint on the sign-in page), and what each account sees through API A (projects) and API B
 * (billing accounts). Ids are stable so tests and the app can refer to them. Some names carry what
 * an attacker would type (markup, a right-to-left override) so the app's escaping gets exercised.
 */

export interface SandboxProject {
  readonly id: string;
  readonly name: string;
  readonly state: 'ACTIVE' | 'ARCHIVED';
  readonly role: 'OWNER' | 'EDITOR' | 'VIEWER' | 'NONE';
  readonly region: string;
}

export interface SandboxBillingAccount {
  readonly accountId: string;
  readonly displayName: string;
  readonly status: 'ENABLED' | 'SUSPENDED' | 'CLOSED';
  readonly access: 'ADMIN' | 'STANDARD' | 'READ_ONLY' | 'NONE';
  readonly currency: string;
}

export interface SandboxUser {
  readonly sub: string;
  readonly username: string;
  readonly password: string;
  readonly name: string;
  readonly email: string;
  readonly projects: readonly SandboxProject[];
  readonly billingAccounts: readonly SandboxBillingAccount[];
}

export const SANDBOX_USERS: readonly SandboxUser[] = [
  {
    sub: 'usr_7f3a9c21alice',
    username: 'alice',
    password: 'sandbox-alice',
    name: 'Alice Example',
    email: 'alice@sandbox.example',
    projects: [
      { id: 'prj_01HX8A1', name: 'Website redesign', state: 'ACTIVE', role: 'OWNER', region: 'eu-west-1' },
      { id: 'prj_01HX8A2', name: 'Mobile app backend', state: 'ACTIVE', role: 'EDITOR', region: 'us-east-1' },
      {
        id: 'prj_01HX8A3',
        name: 'Q3 report <img src=x onerror=alert(1)> \u202Etxt.exe',
        state: 'ACTIVE',
        role: 'VIEWER',
        region: 'eu-central-1',
      },
      { id: 'prj_01HX8A4', name: 'Legacy intranet', state: 'ARCHIVED', role: 'OWNER', region: 'eu-west-1' },
      { id: 'prj_01HX8A5', name: 'Partner portal', state: 'ACTIVE', role: 'NONE', region: 'ap-southeast-2' },
    ],
    billingAccounts: [
      {
        accountId: 'acc_5001',
        displayName: 'EU billing',
        status: 'ENABLED',
        access: 'ADMIN',
        currency: 'EUR',
      },
      {
        accountId: 'acc_5002',
        displayName: 'US operations',
        status: 'ENABLED',
        access: 'STANDARD',
        currency: 'USD',
      },
      {
        accountId: 'acc_5003',
        displayName: 'Old agency "account" & <b>co</b>',
        status: 'SUSPENDED',
        access: 'ADMIN',
        currency: 'GBP',
      },
      {
        accountId: 'acc_5004',
        displayName: 'Group treasury',
        status: 'ENABLED',
        access: 'NONE',
        currency: 'CHF',
      },
    ],
  },
  {
    sub: 'usr_2b8e4d07bob',
    username: 'bob',
    password: 'sandbox-bob',
    name: 'Bob Example',
    email: 'bob@sandbox.example',
    projects: [
      { id: 'prj_01HX8B1', name: 'Data warehouse', state: 'ACTIVE', role: 'OWNER', region: 'us-west-2' },
      { id: 'prj_01HX8B2', name: 'Marketing site', state: 'ACTIVE', role: 'VIEWER', region: 'eu-west-1' },
    ],
    billingAccounts: [
      {
        accountId: 'acc_6001',
        displayName: 'Bob consulting',
        status: 'ENABLED',
        access: 'ADMIN',
        currency: 'USD',
      },
    ],
  },
];

export function userBySub(sub: string): SandboxUser | undefined {
  return SANDBOX_USERS.find((user) => user.sub === sub);
}

export function userByUsername(username: string): SandboxUser | undefined {
  return SANDBOX_USERS.find((user) => user.username === username);
}

/** The plain-English meaning of each scope, shown on the consent page. */
export const SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  openid: 'Know who you are: your account id, name and email address.',
  offline_access: 'Keep this access when you are not signed in (until you revoke it).',
  'projects.read': 'See your projects, their state, your role and their region.',
  'accounts.read': 'See your billing accounts, their status, your access and their currency.',
};

export const SANDBOX_SCOPES: readonly string[] = Object.keys(SCOPE_DESCRIPTIONS);
