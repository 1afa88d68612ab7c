import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadRequestException, SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointVariable } from '../../../local/service.ts';
import { type LocalSes, startSes } from '../../../local/ses/index.ts';

const client = (endpoint: string) =>
  new SESv2Client({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });

const simple = {
  FromEmailAddress: 'orders@example.com',
  Content: {
    Simple: {
      Subject: { Data: 'Your order shipped' },
      Body: { Text: { Data: 'It is on its way.' }, Html: { Data: '<p>It is on its way.</p>' } },
    },
  },
};

describe('local SES v2 endpoint, through the AWS SDK', () => {
  let dir: string;
  let ses: LocalSes;
  let sesv2: SESv2Client;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ses-'));
    ses = await startSes({ dataDir: dir });
    sesv2 = client(ses.endpoint);
  });
  afterAll(async () => {
    sesv2.destroy();
    await ses.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is the service the SDK reads from AWS_ENDPOINT_URL_SESV2, on loopback', () => {
    expect(endpointVariable(ses.id)).toBe('AWS_ENDPOINT_URL_SESV2');
    expect(ses.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('puts a Simple email to several recipients in the outbox with every field', async () => {
    const before = Date.now();
    const sent = await sesv2.send(
      new SendEmailCommand({
        ...simple,
        ReplyToAddresses: ['support@example.com'],
        Destination: {
          ToAddresses: ['ada@example.com', 'grace@example.com'],
          CcAddresses: ['ops@example.com'],
          BccAddresses: ['audit@example.com'],
        },
      }),
    );
    expect(sent.MessageId).toEqual(expect.any(String));
    const outbox = await ses.outbox();
    expect(outbox).toEqual([
      {
        messageId: sent.MessageId,
        from: 'orders@example.com',
        replyTo: ['support@example.com'],
        to: ['ada@example.com', 'grace@example.com'],
        cc: ['ops@example.com'],
        bcc: ['audit@example.com'],
        subject: 'Your order shipped',
        text: 'It is on its way.',
        html: '<p>It is on its way.</p>',
        timestamp: expect.any(String),
      },
    ]);
    // The library records whole seconds, so the timestamp may be up to a second before the send.
    const at = Date.parse(outbox[0]?.timestamp ?? '');
    expect(at).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(at).toBeLessThanOrEqual(Date.now());
  });

  it('rejects a send with no destination as AWS does, with BadRequestException, and keeps it out', async () => {
    const count = (await ses.outbox()).length;
    const failure = await sesv2.send(new SendEmailCommand(simple)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BadRequestException);
    expect(failure).toMatchObject({ name: 'BadRequestException', $metadata: { httpStatusCode: 400 } });
    expect((failure as Error).message).toMatch(/no recipient/);
    const empty = await sesv2
      .send(new SendEmailCommand({ ...simple, Destination: { ToAddresses: [] } }))
      .catch((error: unknown) => error);
    expect(empty).toBeInstanceOf(BadRequestException);
    expect(await ses.outbox()).toHaveLength(count);
  });

  it("rejects an address without a domain as AWS does (Missing final '@domain'), and accepts display names", async () => {
    const count = (await ses.outbox()).length;
    const failure = await sesv2
      .send(new SendEmailCommand({ ...simple, Destination: { ToAddresses: ['ok@example.com', 'nobody'] } }))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BadRequestException);
    expect((failure as Error).message).toBe("Missing final '@domain'");
    expect(await ses.outbox()).toHaveLength(count);
    await sesv2.send(
      new SendEmailCommand({ ...simple, Destination: { ToAddresses: ['Ann <ann@example.com>'] } }),
    );
    expect(await ses.outbox()).toHaveLength(count + 1);
  });

  it('names the errors the library answers without a type as AWS would', async () => {
    const failure = await sesv2
      .send(
        new SendEmailCommand({
          ...simple,
          FromEmailAddress: undefined,
          Destination: { ToAddresses: ['a@example.com'] },
        }),
      )
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BadRequestException);
    expect((failure as Error).message).toMatch(/from email address/);
  });

  it('keeps the outbox across a restart on the same data dir', async () => {
    const before = await ses.outbox();
    await ses.close();
    await ses.close(); // safe twice
    ses = await startSes({ dataDir: dir });
    sesv2.destroy();
    sesv2 = client(ses.endpoint);
    expect(await ses.outbox()).toEqual(before);
    await sesv2.send(
      new SendEmailCommand({ ...simple, Destination: { BccAddresses: ['late@example.com'] } }),
    );
    const after = await ses.outbox();
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)).toMatchObject({ to: [], cc: [], bcc: ['late@example.com'] });
  });
});
