/**
 * Typed access to the parts of dynalite 4.0.0 this service builds on: its store (LevelDB through
 * `level`, whose `classic-level` binding ships prebuilt for the usual platforms, so nothing is
 * compiled), its actions and validations, and its one write path, `db.updateIndexes`, which every
 * PutItem, UpdateItem, DeleteItem and BatchWriteItem calls with the old and the new item while
 * holding the item's lock. dynalite is CommonJS without types: the shapes here are what its
 * source does, checked against the pinned version.
 */
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';

export type AttributeValue = Record<string, unknown>;
export type Item = Record<string, AttributeValue>;
export type Callback<T = unknown> = (error?: unknown, value?: T) => void;

export interface KeySchemaElement {
  readonly AttributeName: string;
  readonly KeyType: 'HASH' | 'RANGE';
}

/** dynalite's stored table description, with the stream members this service adds to it. */
export interface Table {
  TableName: string;
  TableArn: string;
  TableStatus: string;
  KeySchema: KeySchemaElement[];
  StreamSpecification?: { StreamEnabled: boolean; StreamViewType?: string };
  LatestStreamArn?: string;
  LatestStreamLabel?: string;
  [member: string]: unknown;
}

type Release = (done: Callback) => Callback;

export interface SubDb {
  get(key: string, cb: Callback<unknown>): void;
  put(key: string, value: unknown, cb: Callback): void;
  del(key: string, cb: Callback): void;
  lock(key: string | string[], exec: (release: Release) => void): void;
  createValueStream(options?: Record<string, string>): Readable;
}

export interface Level {
  open(): Promise<void>;
  put(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  batch(operations: readonly { type: 'put' | 'del'; key: string; value?: unknown }[]): Promise<void>;
  iterator(options: { gte: string; lt: string }): AsyncIterable<[string, unknown]>;
}

export interface Store {
  options: { maxItemSize: number };
  db: Level;
  tableDb: SubDb & { awsRegion: string; awsAccountId: string };
  getItemDb(table: string): SubDb;
  getIndexDb(kind: string, table: string, index: string): SubDb;
  getTable(name: string, checkStatus: boolean, cb: Callback<Table>): void;
  lifecycleManager: { gracefulClose(): Promise<void> };
}

export type Action = (store: Store, data: Record<string, unknown>, cb: Callback<unknown>) => void;
export interface ActionValidation {
  readonly types: Record<string, unknown>;
  readonly custom?: (data: Record<string, unknown>, store: Store) => string | undefined;
}
type UpdateIndexes = (
  store: Store,
  table: Table,
  old: Item | undefined,
  item: Item | null,
  cb: Callback,
) => void;

interface DbModule {
  create(options: Record<string, unknown>): Store;
  createKey(item: Item, table: Table): string;
  validateKey(key: Item, table: Table): unknown;
  validateItem(item: Item, table: Table): unknown;
  itemSize(item: Item): number;
  checkConditional(data: Record<string, unknown>, existing: Item | undefined): unknown;
  updateIndexes: UpdateIndexes & { readonly original?: UpdateIndexes };
}

interface ValidationsModule {
  checkTypes(data: unknown, types: Record<string, unknown>): Record<string, unknown>;
  checkValidations(data: unknown, types: unknown, custom: unknown, store: Store): void;
}

const require = createRequire(import.meta.url);
export const dynaliteDb = require('dynalite/db/index.js') as DbModule;
const validations = require('dynalite/validations/index.js') as ValidationsModule;

/** The operations dynalite implements, by wire name; `lowerFirst` names its module files. */
export const DYNALITE_OPERATIONS = [
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DeleteTable',
  'DescribeTable',
  'GetItem',
  'ListTables',
  'PutItem',
  'Query',
  'Scan',
  'TagResource',
  'UntagResource',
  'ListTagsOfResource',
  'UpdateItem',
  'UpdateTable',
] as const;

export function dynaliteAction(operation: string): { action: Action; validation: ActionValidation } {
  const file = operation.charAt(0).toLowerCase() + operation.slice(1);
  return {
    action: require(`dynalite/actions/${file}.js`) as Action,
    validation: require(`dynalite/validations/${file}.js`) as ActionValidation,
  };
}

/** dynalite's request checks; `checkTypes` drops members it does not know, so callers look first. */
export function validate(
  data: Record<string, unknown>,
  { types, custom }: ActionValidation,
  store: Store,
): Record<string, unknown> {
  const checked = validations.checkTypes(data, types);
  validations.checkValidations(checked, types, custom, store);
  return checked;
}

export function call<T>(action: Action, store: Store, data: Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) =>
    action(store, data, (error, value) => (error ? reject(error) : resolve(value as T))),
  );
}

/**
 * A write as dynalite applies it, reported under the item's lock after its indexes are updated
 * and just before the item itself is stored (dynalite has no later point to hook): the action
 * waits for the hook, so per item the records follow the writes, and the response follows both.
 */
export type ChangeHook = (table: Table, old: Item | undefined, item: Item | undefined) => Promise<void>;

/*
 * dynalite's actions call `db.updateIndexes` through its module object, which Node shares across
 * every store in the process; the hook therefore dispatches on the store argument, and a store
 * nobody registered (a dry-run view, another dynalite) goes straight through.
 */
const hooks = new WeakMap<Store, ChangeHook>();

function installHook(): UpdateIndexes {
  const installed = dynaliteDb.updateIndexes.original;
  if (installed) return installed;
  const original = dynaliteDb.updateIndexes;
  const wrapped: UpdateIndexes = (store, table, old, item, cb) => {
    const hook = hooks.get(store);
    if (!hook) return original(store, table, old, item, cb);
    original(store, table, old, item, (error) => {
      if (error) return cb(error);
      hook(table, old ?? undefined, item ?? undefined).then(() => cb(), cb);
    });
  };
  dynaliteDb.updateIndexes = Object.assign(wrapped, { original });
  return original;
}

export function onChange(store: Store, hook: ChangeHook): void {
  installHook();
  hooks.set(store, hook);
}

export function offChange(store: Store): void {
  hooks.delete(store);
}

/** Writes an item (or deletes it, `item` undefined) as dynalite's actions do, without the hook. */
export function writeItem(store: Store, table: Table, old: Item | undefined, item: Item | undefined) {
  const key = dynaliteDb.createKey((item ?? old) as Item, table);
  const itemDb = store.getItemDb(table.TableName);
  return new Promise<void>((resolve, reject) =>
    installHook()(store, table, old, item ?? null, (error) => {
      if (error) return reject(error);
      const done: Callback = (e) => (e ? reject(e) : resolve());
      if (item) itemDb.put(key, item, done);
      else itemDb.del(key, done);
    }),
  );
}

/**
 * Takes the item locks dynalite's own writes take, all at once (the `lock` package queues every
 * key in one synchronous step, so two callers cannot each hold half); resolves with the release.
 */
export function lockItems(store: Store, table: string, keys: readonly string[]): Promise<() => void> {
  if (keys.length === 0) return Promise.resolve(() => {});
  return new Promise((resolve) =>
    store.getItemDb(table).lock([...new Set(keys)], (release) => resolve(release(() => {}))),
  );
}

export function getItem(store: Store, table: string, key: string): Promise<Item | undefined> {
  return new Promise((resolve, reject) =>
    store
      .getItemDb(table)
      .get(key, (error, value) =>
        error && (error as { name?: string }).name !== 'NotFoundError'
          ? reject(error)
          : resolve(error ? undefined : (value as Item)),
      ),
  );
}

export function getTable(store: Store, name: string, active = false): Promise<Table> {
  return new Promise((resolve, reject) =>
    store.getTable(name, active, (error, table) => (error ? reject(error) : resolve(table as Table))),
  );
}
