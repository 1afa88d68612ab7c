/**
 * The DynamoDB tables the processes use, declared once: the CDK's data stack creates them on AWS
 * and the local cloud creates them in its DynamoDB, from this list.
 */

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface TableDeclaration {
  readonly description: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /**
   * The TTL attribute (epoch seconds). Every table has one, so short-lived items (sessions,
   * approvals) expire without a sweeper; items without it live until deleted.
   */
  readonly timeToLiveAttribute: string;
  /**
   * A metadata table: its changes stream (NEW_AND_OLD_IMAGES) to stream-sync, which mirrors it
   * into PostgreSQL.
   */
  readonly stream: boolean;
  /** Global secondary indexes (projection ALL, on-demand like the table). */
  readonly indexes?: readonly IndexDeclaration[];
}

export interface IndexDeclaration {
  readonly name: string;
  readonly description: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

const TTL = 'expiresAt';

/** The application database in PostgreSQL (Aurora's default database; created locally on deploy). */
export const DATABASE_NAME = 'app';

export const TABLES = {
  companyMembers: {
    description:
      "Companies and their members, by company key: the company's own item (userId `#company`: display name, Cognito group) and one item per member (role admin or member; admins carry `adminOf`).",
    partitionKey: { name: 'companyId', type: 'S' },
    sortKey: { name: 'userId', type: 'S' },
    timeToLiveAttribute: TTL,
    stream: false,
    indexes: [
      {
        name: 'admins',
        description:
          'Sparse: only the company item and admin items carry `adminOf`, so a company of any size yields its admins in a page or two, the company item first.',
        partitionKey: { name: 'adminOf', type: 'S' },
        sortKey: { name: 'userId', type: 'S' },
      },
    ],
  },
  approvals: {
    description:
      'Pending and decided sign-up approvals by opaque approval id, with the waiting task token; expire after the decision window.',
    partitionKey: { name: 'approvalId', type: 'S' },
    timeToLiveAttribute: TTL,
    stream: false,
  },
  verifications: {
    description:
      'Address checks of sign-ups by opaque verification id, with the waiting task token: the requester proves the address before any admin is asked.',
    partitionKey: { name: 'verificationId', type: 'S' },
    timeToLiveAttribute: TTL,
    stream: false,
  },
  signupQuotas: {
    description:
      'Caps on sign-ups (`company#<key>`: requests pending at once; `address#<email>`: sign-ups a day): the holders and when each hold lapses.',
    partitionKey: { name: 'quotaKey', type: 'S' },
    timeToLiveAttribute: TTL,
    stream: false,
  },
  oauthSessions: {
    description:
      'OAuth authorization requests by single-use state nonce (PKCE verifier, session binding); short-lived.',
    partitionKey: { name: 'state', type: 'S' },
    timeToLiveAttribute: TTL,
    stream: false,
  },
  oauthLocks: {
    description:
      'Per-connection locks on the use of its refresh token (a refresh, or opening an API B session): one holder at a time, each hold a lease that lapses.',
    partitionKey: { name: 'lockKey', type: 'S' },
    timeToLiveAttribute: TTL,
    stream: false,
  },
  connections: {
    description: "A user's connections to the provider (metadata only; tokens live in SSM).",
    partitionKey: { name: 'userId', type: 'S' },
    sortKey: { name: 'connectionId', type: 'S' },
    timeToLiveAttribute: TTL,
    stream: true,
  },
  resources: {
    description: 'The resources discovered through a connection, active and skipped.',
    partitionKey: { name: 'connectionId', type: 'S' },
    sortKey: { name: 'resourceId', type: 'S' },
    timeToLiveAttribute: TTL,
    stream: true,
  },
} as const satisfies Record<string, TableDeclaration>;

export type TableId = keyof typeof TABLES;

export const TABLE_IDS = Object.keys(TABLES) as TableId[];
