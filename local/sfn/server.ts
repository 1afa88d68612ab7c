/** The HTTP face of the local Step Functions service: one route per API operation. */
import { createServer, type Server } from 'node:http';
import type { SfnBackend } from './backend.ts';
import { SfnApiError } from './errors.ts';
import {
  describeExecution,
  listExecutions,
  startExecution,
  startSyncExecution,
  stopExecution,
} from './executions.ts';
import { getExecutionHistory } from './history.ts';
import { readBody, send, sendError } from './protocol.ts';
import { redriveExecution } from './redrive.ts';
import {
  createStateMachine,
  deleteStateMachine,
  describeStateMachine,
  listStateMachines,
  updateStateMachine,
} from './state-machines.ts';
import { sendTaskFailure, sendTaskHeartbeat, sendTaskSuccess } from './tasks.ts';
import { testState } from './test-state.ts';

type Operation = (b: SfnBackend, body: unknown) => unknown;

const OPERATIONS: Readonly<Record<string, Operation>> = {
  CreateStateMachine: (b, body) => createStateMachine(b.store, b.at, body),
  DescribeStateMachine: (b, body) => describeStateMachine(b.store, body),
  UpdateStateMachine: (b, body) => updateStateMachine(b.store, body),
  ListStateMachines: (b, body) => listStateMachines(b.store, body),
  DeleteStateMachine: (b, body) => deleteStateMachine(b.store, body),
  StartExecution: startExecution,
  StartSyncExecution: startSyncExecution,
  DescribeExecution: describeExecution,
  ListExecutions: listExecutions,
  StopExecution: stopExecution,
  RedriveExecution: redriveExecution,
  GetExecutionHistory: getExecutionHistory,
  SendTaskSuccess: sendTaskSuccess,
  SendTaskFailure: sendTaskFailure,
  SendTaskHeartbeat: sendTaskHeartbeat,
  TestState: testState,
};

const PREFIX = 'AWSStepFunctions.';

export function createSfnServer(backend: SfnBackend, log: (line: string) => void): Server {
  return createServer((request, response) => {
    void (async () => {
      try {
        if (request.method !== 'POST') {
          throw new SfnApiError(
            'UnknownOperationException',
            'The Step Functions API takes POST / with X-Amz-Target.',
            404,
          );
        }
        const target = String(request.headers['x-amz-target'] ?? '');
        const name = target.startsWith(PREFIX) ? target.slice(PREFIX.length) : '';
        const operation = OPERATIONS[name];
        if (!operation) {
          throw new SfnApiError(
            'UnknownOperationException',
            `The local Step Functions service does not support '${target || '(no X-Amz-Target)'}'. Supported: ${Object.keys(OPERATIONS).join(', ')}.`,
          );
        }
        const text = await readBody(request);
        let body: unknown;
        try {
          body = text === '' ? {} : JSON.parse(text);
        } catch {
          throw new SfnApiError('SerializationException', 'The request body is not valid JSON.');
        }
        send(response, 200, await operation(backend, body));
        // Operation names only: bodies can carry task tokens and execution data.
        log(`sfn ${name} 200`);
      } catch (error) {
        if (error instanceof SfnApiError) {
          sendError(response, error);
          log(`sfn ${error.type} ${error.status}`);
        } else {
          log(
            `sfn internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          );
          sendError(
            response,
            new SfnApiError(
              'InternalServerError',
              'The local Step Functions service failed; see its log.',
              500,
            ),
          );
        }
      }
    })();
  });
}
