import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { SesDataError } from '../errors.ts';

/** One email the local SES endpoint accepted, as the project's processes and tests read it. */
export const sentEmailSchema = z.object({
  messageId: z.string(),
  from: z.string(),
  replyTo: z.array(z.string()),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  bcc: z.array(z.string()),
  subject: z.string(),
  text: z.string().optional(),
  html: z.string().optional(),
  /** ISO-8601; whole seconds, because aws-ses-v2-local records `at` in epoch seconds. */
  timestamp: z.iso.datetime(),
});
export type SentEmail = z.infer<typeof sentEmailSchema>;

/** An email as aws-ses-v2-local's `GET /store` lists it (its `Email` type in dist/store.d.ts). */
const storedEmailSchema = z.object({
  messageId: z.string(),
  from: z.string(),
  replyTo: z.array(z.string()),
  destination: z.object({ to: z.array(z.string()), cc: z.array(z.string()), bcc: z.array(z.string()) }),
  subject: z.string(),
  body: z.object({ html: z.string().optional(), text: z.string().optional() }),
  at: z.number(),
});
export const storeSchema = z.object({ emails: z.array(storedEmailSchema) });
export type StoredEmail = z.infer<typeof storedEmailSchema>;

export function toSentEmail(stored: StoredEmail): SentEmail {
  return {
    messageId: stored.messageId,
    from: stored.from,
    replyTo: stored.replyTo,
    to: stored.destination.to,
    cc: stored.destination.cc,
    bcc: stored.destination.bcc,
    subject: stored.subject,
    text: stored.body.text,
    html: stored.body.html,
    timestamp: new Date(stored.at * 1000).toISOString(),
  };
}

/**
 * The outbox as an append-only JSON Lines file: aws-ses-v2-local keeps mail in a module-level
 * array that a restart empties (and that every instance in the process shares), so each
 * endpoint writes what it accepted here before answering the sender.
 */
export class OutboxFile {
  readonly path: string;

  constructor(private readonly dir: string) {
    this.path = join(dir, 'outbox.jsonl');
  }

  async append(email: SentEmail): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
      await appendFile(this.path, `${JSON.stringify(email)}\n`);
    } catch (cause) {
      throw new SesDataError(
        `Cannot append to the SES outbox ${this.path}: check the data dir is writable.`,
        this.path,
        {
          cause,
        },
      );
    }
  }

  async read(): Promise<SentEmail[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new SesDataError(`Cannot read the SES outbox ${this.path}.`, this.path, { cause });
    }
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line, index) => {
        try {
          return sentEmailSchema.parse(JSON.parse(line));
        } catch (cause) {
          throw new SesDataError(
            `Line ${index + 1} of the SES outbox ${this.path} is not a sent email: fix or remove that line.`,
            this.path,
            { cause },
          );
        }
      });
  }
}
