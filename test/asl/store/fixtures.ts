/** Records, events and paging helpers shared by the store tests. */
import type { HistoryEvent } from '../../../asl/runtime/history.ts';
import type { ExecutionRecord, StateMachineRecord } from '../../../asl/store/index.ts';

export const MACHINE = 'arn:aws:states:us-east-1:111111111111:stateMachine:orders';
export const OTHER_MACHINE = 'arn:aws:states:us-east-1:111111111111:stateMachine:refunds';

export function machine(arn = MACHINE, overrides: Partial<StateMachineRecord> = {}): StateMachineRecord {
  return {
    stateMachineArn: arn,
    name: arn.split(':').at(-1) ?? 'machine',
    definition: '{"QueryLanguage":"JSONata","StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}',
    roleArn: 'arn:aws:iam::111111111111:role/orders',
    type: 'STANDARD',
    creationDate: new Date('2024-05-01T10:00:00.000Z'),
    status: 'ACTIVE',
    substitutions: { TableName: 'orders' },
    loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    ...overrides,
  };
}

export function execution(name: string, overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  const stateMachineArn = overrides.stateMachineArn ?? MACHINE;
  return {
    executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
    stateMachineArn,
    name,
    type: 'STANDARD',
    status: 'RUNNING',
    startDate: new Date('2024-05-01T12:00:00.000Z'),
    input: '{"order":1}',
    redriveCount: 0,
    ...overrides,
  };
}

export function event(id: number, type: HistoryEvent['type'] = 'PassStateEntered'): HistoryEvent {
  return {
    timestamp: new Date(Date.UTC(2024, 4, 1, 12, 0, 0, id)),
    type,
    id,
    previousEventId: id - 1,
    ...(type === 'PassStateEntered' ? { stateEnteredEventDetails: { name: `S${id}`, input: '{}' } } : {}),
  };
}

export function events(from: number, to: number): HistoryEvent[] {
  return Array.from({ length: to - from + 1 }, (_, i) => event(from + i));
}

/** Every page of a paged query, following nextToken. */
export async function allPages<T>(
  page: (nextToken?: string) => Promise<{ items: T[]; nextToken?: string }>,
): Promise<T[][]> {
  const pages: T[][] = [];
  let token: string | undefined;
  do {
    const result = await page(token);
    pages.push(result.items);
    token = result.nextToken;
  } while (token !== undefined);
  return pages;
}
