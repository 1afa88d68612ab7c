/**
 * The user pool and its web client, declared once: the CDK app (constructs/identity.ts) and the
 * local cloud (local/deploy.ts) both build theirs from this, and the local Cognito enforces what
 * it says (password policy, case-insensitive user names, immutable attributes).
 */

export const USER_POOL = {
  /** The email address is the user name; Cognito gives each user a UUID `username` (= `sub`). */
  usernameAttributes: ['email'] as const,
  /**
   * `ADMIN@ACME.EXAMPLE` and `admin@acme.example` are one user. Cognito's default (when the pool
   * sets no UsernameConfiguration) is case-sensitive; this can only be chosen when the pool is
   * created.
   */
  caseSensitive: false,
  /**
   * Nobody confirms themselves with a code: the sign-up-approval workflow proves the address
   * with its own link, and an admin's approval confirms the user (AdminConfirmSignUp).
   */
  autoVerifiedAttributes: [] as const,
  passwordPolicy: {
    minimumLength: 12,
    requireLowercase: true,
    requireUppercase: true,
    requireNumbers: true,
    requireSymbols: true,
    temporaryPasswordValidityDays: 3,
  },
  /**
   * `custom:company_name`: what the requester typed, set at sign-up and never writable after it
   * (immutable), so nobody can move themselves to another company's claim.
   */
  customAttributes: {
    company_name: { type: 'String', mutable: false, minLength: 1, maxLength: 64 },
  },
  client: {
    /** USER_PASSWORD_AUTH from the approval page; no hosted UI, no OAuth flows. */
    explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] as const,
    /** What the client may write: at sign-up only (company_name is immutable). */
    writeAttributes: ['email', 'custom:company_name'] as const,
    idTokenValidityMinutes: 60,
  },
} as const;
