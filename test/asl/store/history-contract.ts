/** The history half of the ExecutionStore contract: appends, sequence checks, paging. */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  EventSequenceError,
  ExecutionNotFound,
  type ExecutionStore,
  InvalidPageSize,
  InvalidPageToken,
} from '../../../asl/store/index.ts';
import { allPages, event, events, execution } from './fixtures.ts';

export function historyContract(current: () => ExecutionStore): void {
  describe('histories', () => {
    let store: ExecutionStore;
    const arn = execution('h').executionArn;
    beforeEach(async () => {
      store = current();
      await store.createExecution(execution('h'));
    });

    it('appends events in id order and returns them as given', async () => {
      await store.appendEvents(arn, [event(1, 'ExecutionStarted')]);
      await store.appendEvents(arn, events(2, 4));
      await store.appendEvents(arn, []);
      const { events: got, nextToken } = await store.getHistory(arn);
      expect(got).toEqual([event(1, 'ExecutionStarted'), ...events(2, 4)]);
      expect(got[0]?.timestamp).toBeInstanceOf(Date);
      expect(nextToken).toBeUndefined();
    });

    it('refuses gaps and duplicates without storing any of the batch', async () => {
      await store.appendEvents(arn, events(1, 2));
      await expect(store.appendEvents(arn, [event(4)])).rejects.toThrow(EventSequenceError);
      await expect(store.appendEvents(arn, [event(2)])).rejects.toThrow(EventSequenceError);
      await expect(store.appendEvents(arn, [event(3), event(5)])).rejects.toThrow(EventSequenceError);
      await store.appendEvents(arn, [event(3)]);
      expect((await store.getHistory(arn)).events.map((e) => e.id)).toEqual([1, 2, 3]);
    });

    it('refuses the history of an execution it does not hold', async () => {
      await expect(store.appendEvents('arn:nope', [event(1)])).rejects.toThrow(ExecutionNotFound);
      await expect(store.getHistory('arn:nope')).rejects.toThrow(ExecutionNotFound);
    });

    it('pages forward and in reverse', async () => {
      await store.appendEvents(arn, events(1, 7));
      const ids = (reverseOrder: boolean) =>
        allPages(async (nextToken) => {
          const page = await store.getHistory(arn, { reverseOrder, maxResults: 3, nextToken });
          return { items: page.events.map((e) => e.id), nextToken: page.nextToken };
        });
      expect(await ids(false)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
      expect(await ids(true)).toEqual([[7, 6, 5], [4, 3, 2], [1]]);
    });

    it('ends a page exactly at the end without a token, and pages an empty history', async () => {
      await store.appendEvents(arn, events(1, 4));
      const forward = await store.getHistory(arn, { maxResults: 2 });
      const last = await store.getHistory(arn, { maxResults: 2, nextToken: forward.nextToken });
      expect(last).toEqual({ events: events(3, 4) });
      await store.createExecution(execution('empty'));
      expect(await store.getHistory(execution('empty').executionArn, { reverseOrder: true })).toEqual({
        events: [],
      });
    });

    it('continues a forward page through events appended since', async () => {
      await store.appendEvents(arn, events(1, 3));
      const first = await store.getHistory(arn, { maxResults: 2 });
      await store.appendEvents(arn, events(4, 5));
      const next = await store.getHistory(arn, { maxResults: 10, nextToken: first.nextToken });
      expect(next.events.map((e) => e.id)).toEqual([3, 4, 5]);
    });

    it('refuses a token of another direction or execution', async () => {
      await store.appendEvents(arn, events(1, 3));
      const { nextToken } = await store.getHistory(arn, { maxResults: 1 });
      await expect(store.getHistory(arn, { reverseOrder: true, nextToken })).rejects.toThrow(
        InvalidPageToken,
      );
      await store.createExecution(execution('other'));
      await expect(store.getHistory(execution('other').executionArn, { nextToken })).rejects.toThrow(
        InvalidPageToken,
      );
      await expect(store.getHistory(arn, { maxResults: 1.5 })).rejects.toThrow(InvalidPageSize);
    });

    it('returns copies of events', async () => {
      await store.appendEvents(arn, [event(1)]);
      const [got] = (await store.getHistory(arn)).events;
      if (got) got.type = 'ExecutionFailed';
      expect((await store.getHistory(arn)).events).toEqual([event(1)]);
    });
  });
}
