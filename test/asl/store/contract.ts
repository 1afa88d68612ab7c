/**
 * The behaviour every ExecutionStore shares. Each implementation's test file calls
 * `describeStoreContract` with a factory that opens a fresh, empty store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ExecutionAlreadyExists,
  ExecutionNotFound,
  ExecutionStatusMismatch,
  type ExecutionStore,
  InvalidPageSize,
  InvalidPageToken,
  StoreClosed,
} from '../../../asl/store/index.ts';
import { allPages, event, events, execution, MACHINE, machine, OTHER_MACHINE } from './fixtures.ts';
import { historyContract } from './history-contract.ts';

export function describeStoreContract(name: string, open: () => Promise<ExecutionStore>): void {
  describe(`${name}: the ExecutionStore contract`, () => {
    let store: ExecutionStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('state machines', () => {
      it('stores, replaces, lists in creation order and deletes', async () => {
        await store.putStateMachine(machine());
        await store.putStateMachine(machine(OTHER_MACHINE));
        await store.putStateMachine(machine(MACHINE, { revisionId: 'r2' }));
        expect(await store.getStateMachine(MACHINE)).toEqual(machine(MACHINE, { revisionId: 'r2' }));
        expect((await store.listStateMachines()).map((m) => m.stateMachineArn)).toEqual([
          MACHINE,
          OTHER_MACHINE,
        ]);
        expect(await store.deleteStateMachine(MACHINE)).toBe(true);
        expect(await store.deleteStateMachine(MACHINE)).toBe(false);
        expect(await store.getStateMachine(MACHINE)).toBeUndefined();
        expect(await store.listStateMachines()).toEqual([machine(OTHER_MACHINE)]);
      });

      it('returns copies, so callers cannot change the store', async () => {
        await store.putStateMachine(machine());
        const got = (await store.getStateMachine(MACHINE)) as { substitutions: Record<string, string> };
        got.substitutions.TableName = 'changed';
        expect((await store.getStateMachine(MACHINE))?.substitutions).toEqual({ TableName: 'orders' });
      });
    });

    describe('executions', () => {
      it('creates and reads an execution, Dates included', async () => {
        await store.createExecution(execution('a', { resume: { frames: [1, 2] } }));
        const got = await store.getExecution(execution('a').executionArn);
        expect(got).toEqual(execution('a', { resume: { frames: [1, 2] } }));
        expect(got?.startDate).toBeInstanceOf(Date);
        expect(await store.getExecution(execution('missing').executionArn)).toBeUndefined();
      });

      it('refuses a second execution with the same arn', async () => {
        await store.createExecution(execution('a'));
        await expect(store.createExecution(execution('a', { input: '{}' }))).rejects.toThrow(
          ExecutionAlreadyExists,
        );
        expect((await store.getExecution(execution('a').executionArn))?.input).toBe('{"order":1}');
      });

      it('applies a patch, removing the fields set to undefined, and returns the record', async () => {
        const { executionArn } = execution('a');
        await store.createExecution(execution('a'));
        const stopDate = new Date('2024-05-01T12:00:05.000Z');
        const stopped = await store.updateExecution(executionArn, {
          status: 'FAILED',
          stopDate,
          error: 'States.TaskFailed',
          cause: 'boom',
        });
        expect(stopped).toEqual(
          execution('a', { status: 'FAILED', stopDate, error: 'States.TaskFailed', cause: 'boom' }),
        );
        await store.updateExecution(executionArn, {
          status: 'RUNNING',
          stopDate: undefined,
          error: undefined,
          cause: undefined,
          redriveCount: 1,
        });
        const redriven = await store.getExecution(executionArn);
        expect(redriven).toEqual(execution('a', { redriveCount: 1 }));
        expect(redriven && 'stopDate' in redriven).toBe(false);
      });

      it('updates conditionally on the status, atomically', async () => {
        const { executionArn } = execution('a');
        await store.createExecution(execution('a'));
        const both = await Promise.allSettled([
          store.updateExecution(executionArn, { status: 'SUCCEEDED' }, { ifStatus: 'RUNNING' }),
          store.updateExecution(executionArn, { status: 'ABORTED' }, { ifStatus: 'RUNNING' }),
        ]);
        expect(both.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
        expect((both[1] as PromiseRejectedResult).reason).toBeInstanceOf(ExecutionStatusMismatch);
        expect((await store.getExecution(executionArn))?.status).toBe('SUCCEEDED');
      });

      it('applies calls on one execution in call order, awaited or not', async () => {
        const { executionArn } = execution('a');
        await Promise.all([
          store.createExecution(execution('a')),
          store.appendEvents(executionArn, events(1, 2)),
          store.updateExecution(executionArn, { status: 'SUCCEEDED' }, { ifStatus: 'RUNNING' }),
          store.appendEvents(executionArn, [event(3)]),
        ]);
        expect((await store.getExecution(executionArn))?.status).toBe('SUCCEEDED');
        expect((await store.getHistory(executionArn)).events).toEqual(events(1, 3));
      });

      it('refuses to update an execution it does not hold', async () => {
        await expect(store.updateExecution('arn:nope', { status: 'ABORTED' })).rejects.toThrow(
          ExecutionNotFound,
        );
      });

      it('lists newest first, ties in reverse creation order, filtered by machine and status', async () => {
        const at = (minute: number) => new Date(Date.UTC(2024, 4, 1, 12, minute));
        await store.createExecution(execution('old', { startDate: at(1) }));
        await store.createExecution(execution('new', { startDate: at(3), status: 'SUCCEEDED' }));
        await store.createExecution(execution('tie-1', { startDate: at(2) }));
        await store.createExecution(execution('tie-2', { startDate: at(2) }));
        await store.createExecution(execution('other', { startDate: at(9), stateMachineArn: OTHER_MACHINE }));
        const names = async (filter: Parameters<ExecutionStore['listExecutions']>[0]) =>
          (await store.listExecutions(filter)).executions.map((e) => e.name);
        expect(await names({ stateMachineArn: MACHINE })).toEqual(['new', 'tie-2', 'tie-1', 'old']);
        expect(await names({ stateMachineArn: MACHINE, status: 'RUNNING' })).toEqual([
          'tie-2',
          'tie-1',
          'old',
        ]);
        expect(await names({})).toEqual(['other', 'new', 'tie-2', 'tie-1', 'old']);
      });

      it('pages executions without repeats when executions start between pages', async () => {
        for (let i = 1; i <= 5; i++) {
          await store.createExecution(
            execution(`e${i}`, { startDate: new Date(Date.UTC(2024, 4, 1, 12, i)) }),
          );
        }
        const first = await store.listExecutions({ stateMachineArn: MACHINE, maxResults: 2 });
        expect(first.executions.map((e) => e.name)).toEqual(['e5', 'e4']);
        await store.createExecution(execution('e6', { startDate: new Date(Date.UTC(2024, 4, 1, 13)) }));
        const rest = await allPages(async (token) => {
          const page = await store.listExecutions({
            stateMachineArn: MACHINE,
            maxResults: 2,
            nextToken: token ?? first.nextToken,
          });
          return { items: page.executions.map((e) => e.name), nextToken: page.nextToken };
        });
        expect(rest).toEqual([['e3', 'e2'], ['e1']]);
      });

      it('refuses a foreign, altered or misapplied page token and a bad page size', async () => {
        await store.createExecution(execution('a'));
        await store.createExecution(execution('b'));
        const { nextToken } = await store.listExecutions({ stateMachineArn: MACHINE, maxResults: 1 });
        expect(nextToken).toBeTypeOf('string');
        const token = nextToken as string;
        await expect(store.listExecutions({ nextToken: 'garbage' })).rejects.toThrow(InvalidPageToken);
        await expect(
          store.listExecutions({ stateMachineArn: OTHER_MACHINE, nextToken: token }),
        ).rejects.toThrow(InvalidPageToken);
        const altered = Buffer.from(Buffer.from(token, 'base64url').toString().replace(/\d/, '7')).toString(
          'base64url',
        );
        await expect(store.listExecutions({ stateMachineArn: MACHINE, nextToken: altered })).rejects.toThrow(
          InvalidPageToken,
        );
        await expect(store.listExecutions({ maxResults: 0 })).rejects.toThrow(InvalidPageSize);
      });

      it('lists RUNNING executions as resumable, in creation order', async () => {
        await store.createExecution(execution('a'));
        await store.createExecution(execution('b', { status: 'SUCCEEDED' }));
        await store.createExecution(execution('c', { startDate: new Date(0) }));
        await store.updateExecution(execution('a').executionArn, { status: 'ABORTED' });
        await store.updateExecution(execution('b').executionArn, { status: 'RUNNING' });
        expect((await store.listResumable()).map((e) => e.name)).toEqual(['b', 'c']);
      });
    });

    historyContract(() => store);

    it('refuses every operation after close', async () => {
      await store.close();
      await expect(store.getExecution('arn:any')).rejects.toThrow(StoreClosed);
      await expect(store.createExecution(execution('late'))).rejects.toThrow(StoreClosed);
      await expect(store.listResumable()).rejects.toThrow(StoreClosed);
    });
  });
}
