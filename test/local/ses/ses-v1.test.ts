import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigurationSetDoesNotExistException,
  SESClient,
  SESServiceException,
  SendEmailCommand,
  type SendEmailCommandInput,
  SendRawEmailCommand,
  VerifyEmailIdentityCommand,
} from '@aws-sdk/client-ses';
import { SESv2Client, SendEmailCommand as SendEmailV2Command } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSes, startSes } from '../../../local/ses/index.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

const message = {
  Subject: { Data: 'Your order shipped' },
  Body: { Text: { Data: 'It is on its way.' }, Html: { Data: '<p>It is on its way.</p>' } },
};
const simple: SendEmailCommandInput = {
  Source: 'orders@example.com',
  Destination: { ToAddresses: ['ada@example.com'] },
  Message: message,
};

/** A multipart message as a mail client writes it: text and HTML alternatives. */
const RAW = [
  'From: Orders <orders@example.com>',
  'To: Ada <ada@example.com>, grace@example.com',
  'Cc: ops@example.com',
  'Reply-To: support@example.com',
  'Subject: =?UTF-8?B?WW91ciBvcmRlciDinJM=?=',
  'MIME-Version: 1.0',
  'Content-Type: multipart/alternative; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=UTF-8',
  '',
  'It is on its way.',
  '--b1',
  'Content-Type: text/html; charset=UTF-8',
  '',
  '<p>It is on its way.</p>',
  '--b1--',
  '',
].join('\r\n');

const raw = (text: string) => ({ RawMessage: { Data: new TextEncoder().encode(text) } });

async function failure(promise: Promise<unknown>): Promise<SESServiceException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SESServiceException);
  return error as SESServiceException;
}

describe('local SES v1 endpoint (query protocol), through @aws-sdk/client-ses', () => {
  let dir: string;
  let ses: LocalSes;
  let v1: SESClient;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ses-v1-'));
    ses = await startSes({ dataDir: dir });
    v1 = new SESClient({
      region: 'us-east-1',
      endpoint: ses.environment.AWS_ENDPOINT_URL_SES,
      credentials,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    v1.destroy();
    await ses.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is reached through AWS_ENDPOINT_URL_SES, on the same port as SES v2', () => {
    expect(ses.environment).toEqual({
      AWS_ENDPOINT_URL_SESV2: ses.endpoint,
      AWS_ENDPOINT_URL_SES: ses.endpoint,
    });
  });

  it('SendEmail puts the email in the outbox with every field, one entry per address', async () => {
    const sent = await v1.send(
      new SendEmailCommand({
        ...simple,
        Destination: {
          ToAddresses: ['ada@example.com', 'Grace <grace@example.com>'],
          CcAddresses: ['ops@example.com'],
          BccAddresses: ['audit@example.com', 'legal@example.com'],
        },
        ReplyToAddresses: ['support@example.com'],
        ReturnPath: 'bounces@example.com',
      }),
    );
    expect(sent.MessageId).toMatch(/^[0-9a-f]{16}-[0-9a-f-]{36}-000000$/);
    expect((await ses.outbox()).at(-1)).toEqual({
      messageId: sent.MessageId,
      from: 'orders@example.com',
      replyTo: ['support@example.com'],
      to: ['ada@example.com', 'Grace <grace@example.com>'],
      cc: ['ops@example.com'],
      bcc: ['audit@example.com', 'legal@example.com'],
      subject: 'Your order shipped',
      text: 'It is on its way.',
      html: '<p>It is on its way.</p>',
      timestamp: expect.any(String),
    });
  });

  it('shares one outbox with SES v2, in the order they were sent', async () => {
    const v2 = new SESv2Client({ region: 'us-east-1', endpoint: ses.endpoint, credentials });
    try {
      const a = await v2.send(
        new SendEmailV2Command({
          FromEmailAddress: 'orders@example.com',
          Destination: { ToAddresses: ['v2@example.com'] },
          Content: { Simple: { Subject: { Data: 'v2' }, Body: { Text: { Data: 'two' } } } },
        }),
      );
      const b = await v1.send(
        new SendEmailCommand({ ...simple, Destination: { ToAddresses: ['v1@example.com'] } }),
      );
      const ids = (await ses.outbox()).map((e) => e.messageId);
      expect(ids.slice(-2)).toEqual([a.MessageId, b.MessageId]);
    } finally {
      v2.destroy();
    }
  });

  it('refuses what AWS refuses, with its error names and texts, and keeps it out of the outbox', async () => {
    const count = (await ses.outbox()).length;
    const noDomain = await failure(
      v1.send(
        new SendEmailCommand({ ...simple, Destination: { ToAddresses: ['ok@example.com', 'nobody'] } }),
      ),
    );
    expect(noDomain).toMatchObject({
      name: 'InvalidParameterValue',
      message: "Missing final '@domain'",
      $metadata: { httpStatusCode: 400 },
    });
    const badSource = await failure(v1.send(new SendEmailCommand({ ...simple, Source: 'orders' })));
    expect(badSource).toMatchObject({ name: 'InvalidParameterValue', message: "Missing final '@domain'" });
    const noRecipient = await failure(
      v1.send(new SendEmailCommand({ ...simple, Destination: { ToAddresses: [] } })),
    );
    expect(noRecipient).toMatchObject({
      name: 'InvalidParameterValue',
      message: "Missing required header 'To'.",
    });
    const missing = await failure(
      v1.send(new SendEmailCommand({ Source: undefined, Destination: undefined, Message: message } as never)),
    );
    expect(missing).toMatchObject({
      name: 'ValidationError',
      message:
        "2 validation errors detected: Value null at 'source' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'destination' failed to satisfy constraint: Member must not be null",
    });
    const configurationSet = await failure(
      v1.send(new SendEmailCommand({ ...simple, ConfigurationSetName: 'tracking' })),
    );
    expect(configurationSet).toBeInstanceOf(ConfigurationSetDoesNotExistException);
    expect(await ses.outbox()).toHaveLength(count);
  });

  it('SendRawEmail parses the MIME message: sender, recipients, decoded subject, text and HTML', async () => {
    const sent = await v1.send(
      new SendRawEmailCommand({ ...raw(RAW), Destinations: ['grace@example.com', 'audit@example.com'] }),
    );
    expect((await ses.outbox()).at(-1)).toEqual({
      messageId: sent.MessageId,
      from: 'Orders <orders@example.com>',
      replyTo: ['support@example.com'],
      to: ['Ada <ada@example.com>', 'grace@example.com'],
      cc: ['ops@example.com'],
      // An envelope recipient no header names is a blind copy.
      bcc: ['audit@example.com'],
      subject: 'Your order ✓',
      text: 'It is on its way.',
      html: '<p>It is on its way.</p>',
      timestamp: expect.any(String),
    });
  });

  it('SendRawEmail refuses a message without sender or recipient, or with an address without a domain', async () => {
    const count = (await ses.outbox()).length;
    const noFrom = RAW.replace(/^From: .*\r\n/m, '');
    expect(await failure(v1.send(new SendRawEmailCommand(raw(noFrom))))).toMatchObject({
      name: 'InvalidParameterValue',
      message: "Missing required header 'From'.",
    });
    const noTo = RAW.replace(/^To: .*\r\n/m, '').replace(/^Cc: .*\r\n/m, '');
    expect(await failure(v1.send(new SendRawEmailCommand(raw(noTo))))).toMatchObject({
      name: 'InvalidParameterValue',
      message: "Missing required header 'To'.",
    });
    expect(
      await failure(v1.send(new SendRawEmailCommand({ ...raw(RAW), Destinations: ['nobody'] }))),
    ).toMatchObject({ name: 'InvalidParameterValue', message: "Missing final '@domain'" });
    expect(await ses.outbox()).toHaveLength(count);
    // With Source given, the From header may be absent.
    await v1.send(new SendRawEmailCommand({ ...raw(noFrom), Source: 'orders@example.com' }));
    expect((await ses.outbox()).at(-1)).toMatchObject({ from: 'orders@example.com' });
  });

  it('refuses the SES v1 actions it does not serve with InvalidAction', async () => {
    const error = await failure(v1.send(new VerifyEmailIdentityCommand({ EmailAddress: 'a@example.com' })));
    expect(error).toMatchObject({ name: 'InvalidAction', $metadata: { httpStatusCode: 400 } });
    expect(error.message).toMatch(/SendEmail and SendRawEmail/);
  });

  it('keeps SES v1 mail in the outbox across a restart', async () => {
    const before = await ses.outbox();
    await ses.close();
    ses = await startSes({ dataDir: dir });
    expect(await ses.outbox()).toEqual(before);
  });
});
