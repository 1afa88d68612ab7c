import {
  DeleteParameterCommand,
  DeleteParametersCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersByPathCommand,
  type GetParametersByPathCommandInput,
  PutParameterCommand,
  paginateDescribeParameters,
  paginateGetParameterHistory,
  paginateGetParametersByPath,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, type Running, removeDir, start, stop, tempDir } from './fixture.ts';

describe('local SSM endpoint: listing, history and deletion, through the AWS SDK', () => {
  let dir: string;
  let running: Running;
  const byPath = (input: GetParametersByPathCommandInput) =>
    running.ssm.send(new GetParametersByPathCommand(input));
  const names = (list: { Name?: string }[] | undefined) => (list ?? []).map((p) => p.Name);

  beforeAll(async () => {
    dir = await tempDir();
    running = await start(dir);
    const put = (Name: string, Type: 'String' | 'StringList' | 'SecureString', KeyId?: string) =>
      running.ssm.send(new PutParameterCommand({ Name, Value: `value of ${Name}`, Type, KeyId }));
    await put('/svc/a', 'String');
    await put('/svc/b', 'StringList');
    await put('/svc/c', 'SecureString', 'alias/local-test');
    await put('/svc/deep/d', 'String');
    await put('/svc/deep/deeper/e', 'String');
    await put('/other/x', 'String');
    await put('root', 'String');
  });
  afterAll(async () => {
    await stop(running);
    await removeDir(dir);
  });

  it('lists one level below a path, or every level with Recursive', async () => {
    expect(names((await byPath({ Path: '/svc' })).Parameters)).toEqual(['/svc/a', '/svc/b', '/svc/c']);
    expect(names((await byPath({ Path: '/svc/', Recursive: true })).Parameters)).toEqual([
      '/svc/a',
      '/svc/b',
      '/svc/c',
      '/svc/deep/d',
      '/svc/deep/deeper/e',
    ]);
    expect(names((await byPath({ Path: '/' })).Parameters)).toEqual(['root']);
  });

  it('pages with MaxResults and NextToken until the last page has no token', async () => {
    const first = await byPath({ Path: '/svc', Recursive: true, MaxResults: 2 });
    expect(names(first.Parameters)).toEqual(['/svc/a', '/svc/b']);
    expect(first.NextToken).toEqual(expect.any(String));
    const pages: (string | undefined)[][] = [];
    for await (const page of paginateGetParametersByPath(
      { client: running.ssm, pageSize: 2 },
      { Path: '/svc', Recursive: true },
    )) {
      pages.push(names(page.Parameters));
    }
    expect(pages).toEqual([['/svc/a', '/svc/b'], ['/svc/c', '/svc/deep/d'], ['/svc/deep/deeper/e']]);
  });

  it('keeps MaxResults within 1..10 and refuses a token it did not issue', async () => {
    await failure(byPath({ Path: '/svc', MaxResults: 11 }), 'ValidationException');
    await failure(byPath({ Path: '/svc', NextToken: 'not-a-token' }), 'InvalidNextToken');
    await failure(byPath({ Path: 'svc' }), 'ValidationException');
  });

  it('filters by Type and KeyId, and refuses filter keys GetParametersByPath does not take', async () => {
    const secure = await byPath({
      Path: '/svc',
      Recursive: true,
      ParameterFilters: [{ Key: 'Type', Values: ['SecureString', 'StringList'] }],
    });
    expect(names(secure.Parameters)).toEqual(['/svc/b', '/svc/c']);
    const keyed = await byPath({
      Path: '/svc',
      ParameterFilters: [{ Key: 'KeyId', Option: 'BeginsWith', Values: ['alias/local'] }],
    });
    expect(names(keyed.Parameters)).toEqual(['/svc/c']);
    await failure(
      byPath({ Path: '/svc', ParameterFilters: [{ Key: 'Name', Values: ['/svc/a'] }] }),
      'InvalidFilterKey',
    );
    await failure(
      byPath({ Path: '/svc', ParameterFilters: [{ Key: 'Type', Option: 'Contains', Values: ['String'] }] }),
      'InvalidFilterOption',
    );
    await failure(
      byPath({ Path: '/svc', ParameterFilters: [{ Key: 'Type', Values: ['Text'] }] }),
      'InvalidFilterValue',
    );
  });

  it('describes parameters without their values, filtered and paged', async () => {
    const all = await running.ssm.send(new DescribeParametersCommand({}));
    expect(names(all.Parameters)).toEqual([
      '/other/x',
      '/svc/a',
      '/svc/b',
      '/svc/c',
      '/svc/deep/d',
      '/svc/deep/deeper/e',
      'root',
    ]);
    const secure = all.Parameters?.find((p) => p.Name === '/svc/c');
    expect(secure).toMatchObject({
      Type: 'SecureString',
      KeyId: 'alias/local-test',
      Version: 1,
      Tier: 'Standard',
      DataType: 'text',
      ARN: 'arn:aws:ssm:us-east-1:111111111111:parameter/svc/c',
    });
    expect(secure).not.toHaveProperty('Value');
    const filtered = await running.ssm.send(
      new DescribeParametersCommand({
        ParameterFilters: [
          { Key: 'Path', Option: 'Recursive', Values: ['/svc/deep'] },
          { Key: 'Name', Option: 'Contains', Values: ['deeper'] },
        ],
      }),
    );
    expect(names(filtered.Parameters)).toEqual(['/svc/deep/deeper/e']);
    const pages: number[] = [];
    for await (const page of paginateDescribeParameters({ client: running.ssm, pageSize: 3 }, {})) {
      pages.push(page.Parameters?.length ?? 0);
    }
    expect(pages).toEqual([3, 3, 1]);
  });

  it('returns every version in GetParameterHistory, oldest first, paged', async () => {
    for (const Value of ['v2', 'v3']) {
      await running.ssm.send(
        new PutParameterCommand({ Name: '/svc/a', Value, Overwrite: true, Description: Value }),
      );
    }
    const history = await running.ssm.send(new GetParameterHistoryCommand({ Name: '/svc/a' }));
    expect(history.Parameters?.map((p) => [p.Version, p.Value, p.Description])).toEqual([
      [1, 'value of /svc/a', undefined],
      [2, 'v2', 'v2'],
      [3, 'v3', 'v3'],
    ]);
    expect(history.Parameters?.[0]).toMatchObject({ Labels: [], Tier: 'Standard', DataType: 'text' });
    const pages: (number | undefined)[][] = [];
    for await (const page of paginateGetParameterHistory(
      { client: running.ssm, pageSize: 2 },
      { Name: '/svc/a' },
    )) {
      pages.push((page.Parameters ?? []).map((p) => p.Version));
    }
    expect(pages).toEqual([[1, 2], [3]]);
    await failure(
      running.ssm.send(new GetParameterHistoryCommand({ Name: '/svc/none' })),
      'ParameterNotFound',
    );
  });

  it('deletes a parameter with its history, so the name starts over at version 1', async () => {
    await running.ssm.send(new DeleteParameterCommand({ Name: '/svc/a' }));
    await failure(running.ssm.send(new GetParameterCommand({ Name: '/svc/a' })), 'ParameterNotFound');
    await failure(running.ssm.send(new DeleteParameterCommand({ Name: '/svc/a' })), 'ParameterNotFound');
    const again = await running.ssm.send(
      new PutParameterCommand({ Name: '/svc/a', Value: 'new', Type: 'String' }),
    );
    expect(again.Version).toBe(1);
  });

  it('deletes several parameters and names those that did not exist', async () => {
    const result = await running.ssm.send(
      new DeleteParametersCommand({ Names: ['/other/x', '/other/nothing', 'root'] }),
    );
    expect(result.DeletedParameters).toEqual(['/other/x', 'root']);
    expect(result.InvalidParameters).toEqual(['/other/nothing']);
    expect(names((await byPath({ Path: '/other' })).Parameters)).toEqual([]);
  });
});
