/**
 * The console's data views and where they are mounted. Each handler reads its own path
 * parameters from `request.url` (`params` names them, in the order of the pattern's groups).
 */
import type { ConsoleHandler } from '../context.ts';
import { outboxPage } from './outbox.ts';
import { pipesPage } from './pipes.ts';
import { PROJECTION_TABLE_PATH, projectionPage, projectionTablePage } from './projection.ts';
import { schedulesPage } from './schedules.ts';
import { TABLE_ITEMS_PATH, tableItemsPage, tablesPage } from './tables.ts';

export interface DataRoute {
  readonly path: RegExp;
  readonly handler: ConsoleHandler;
  readonly params: readonly string[];
}

export const DATA_ROUTES: readonly DataRoute[] = [
  { path: /^\/data\/outbox$/, handler: outboxPage, params: [] },
  { path: /^\/data\/tables$/, handler: tablesPage, params: [] },
  { path: TABLE_ITEMS_PATH, handler: tableItemsPage, params: ['name'] },
  { path: /^\/data\/projection$/, handler: projectionPage, params: [] },
  { path: PROJECTION_TABLE_PATH, handler: projectionTablePage, params: ['table'] },
  { path: /^\/data\/pipes$/, handler: pipesPage, params: [] },
  { path: /^\/data\/schedules$/, handler: schedulesPage, params: [] },
];
