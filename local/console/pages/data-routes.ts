/**
 * The console's data views and where they are mounted. Each handler reads its own path
 * parameters from `request.url` (data/paging.ts pathParam).
 */
import type { ConsoleRoute } from '../server.ts';
import { outboxPage } from './outbox.ts';
import { pipesPage } from './pipes.ts';
import { PROJECTION_TABLE_PATH, projectionPage, projectionTablePage } from './projection.ts';
import { schedulesPage } from './schedules.ts';
import { TABLE_ITEMS_PATH, tableItemsPage, tablesPage } from './tables.ts';

export const DATA_ROUTES: readonly ConsoleRoute[] = [
  { method: 'GET', path: /^\/data\/outbox$/, handler: outboxPage },
  { method: 'GET', path: /^\/data\/tables$/, handler: tablesPage },
  { method: 'GET', path: TABLE_ITEMS_PATH, handler: tableItemsPage },
  { method: 'GET', path: /^\/data\/projection$/, handler: projectionPage },
  { method: 'GET', path: PROJECTION_TABLE_PATH, handler: projectionTablePage },
  { method: 'GET', path: /^\/data\/pipes$/, handler: pipesPage },
  { method: 'GET', path: /^\/data\/schedules$/, handler: schedulesPage },
];
