/** GetExecutionHistory. */
import { z } from 'zod';
import { publicEvent } from '../../asl/durable.ts';
import type { HistoryEvent } from '../../asl/index.ts';
import type { SfnBackend } from './backend.ts';
import { SfnApiError } from './errors.ts';
import { requireExecution } from './executions.ts';
import { epochSeconds } from './protocol.ts';
import { parseRequest } from './validate.ts';

const Request = z.object({
  executionArn: z.string(),
  maxResults: z.number().int().min(0).max(1000).optional(),
  reverseOrder: z.boolean().optional(),
  nextToken: z.string().optional(),
  includeExecutionData: z.boolean().optional(),
});

export async function getExecutionHistory(b: SfnBackend, body: unknown): Promise<unknown> {
  const request = parseRequest(Request, body);
  await requireExecution(b, request.executionArn);
  let page: Awaited<ReturnType<typeof b.store.getHistory>>;
  try {
    page = await b.store.getHistory(request.executionArn, {
      maxResults: request.maxResults || 100,
      ...(request.reverseOrder ? { reverseOrder: true } : {}),
      ...(request.nextToken ? { nextToken: request.nextToken } : {}),
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'InvalidPageToken')
      throw new SfnApiError('InvalidToken', error.message);
    throw error;
  }
  const data = request.includeExecutionData !== false;
  return {
    events: page.events.map((stored) => wire(publicEvent(stored), data)),
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  };
}

/** An event on the wire: epoch-second timestamp; without execution data, no payloads. */
function wire(event: HistoryEvent, data: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { ...event, timestamp: epochSeconds(event.timestamp) };
  if (!data) {
    for (const [key, value] of Object.entries(out)) {
      if (key.endsWith('EventDetails') && typeof value === 'object' && value !== null) {
        const { input, output, parameters, assignedVariables, ...rest } = value as Record<string, unknown>;
        void input;
        void output;
        void parameters;
        void assignedVariables;
        out[key] = rest;
      }
    }
  }
  return out;
}
