/**
 * SES v1 (`@aws-sdk/client-ses`): the AWS query protocol, a form-encoded POST to `/` whose
 * `Action` names the operation, answered in XML. SendEmail and SendRawEmail are served here,
 * on the same port and into the same outbox as SES v2; any other action is refused.
 * https://docs.aws.amazon.com/ses/latest/APIReference/API_SendEmail.html
 * https://docs.aws.amazon.com/ses/latest/APIReference/API_SendRawEmail.html
 */
import { randomBytes } from 'node:crypto';
import { type AddressObject, simpleParser } from 'mailparser';
import { invalidParameterValue, SesApiError } from '../errors.ts';
import type { SentEmail } from './outbox.ts';

const NAMESPACE = 'http://ses.amazonaws.com/doc/2010-12-01/';

/** AWS's text for an address with no domain, in SES v1 as in v2. */
const MISSING_DOMAIN = "Missing final '@domain'";

/** True when a query request is SES v1: SES v2 is REST under `/v2/`, v1 posts to `/`. */
export function isQueryRequest(method: string | undefined, url: string | undefined): boolean {
  return method === 'POST' && (url ?? '/').split('?')[0] === '/';
}

/** Members of a query list in order: `<prefix>.member.1`, `<prefix>.member.2`, ... */
function members(form: URLSearchParams, prefix: string): string[] {
  const out: string[] = [];
  for (let n = 1; form.has(`${prefix}.member.${n}`); n++) out.push(form.get(`${prefix}.member.${n}`) ?? '');
  return out;
}

/** Whether any parameter of the structure `prefix` was sent: an empty structure sends none. */
function present(form: URLSearchParams, prefix: string): boolean {
  for (const key of form.keys()) if (key === prefix || key.startsWith(`${prefix}.`)) return true;
  return false;
}

/** AWS's answer for required members that are absent (Coral's ValidationError wording). */
function notNull(paths: readonly string[]): SesApiError {
  const details = paths.map(
    (p) => `Value null at '${p}' failed to satisfy constraint: Member must not be null`,
  );
  return new SesApiError(
    'ValidationError',
    `${paths.length} validation error${paths.length === 1 ? '' : 's'} detected: ${details.join('; ')}`,
  );
}

/** An address with a domain, bare or with a display name (`Ann <ann@example.com>`). */
const hasDomain = (address: string): boolean => /@[^@\s>]+>?\s*$/.test(address);

function checkAddresses(addresses: readonly string[]): void {
  if (addresses.some((address) => !hasDomain(address))) throw invalidParameterValue(MISSING_DOMAIN);
}

/** No configuration sets exist locally, so naming one is AWS's answer for an unknown set. */
function checkConfigurationSet(form: URLSearchParams): void {
  const name = form.get('ConfigurationSetName');
  if (name !== null) {
    throw new SesApiError(
      'ConfigurationSetDoesNotExist',
      `Configuration set <${name}> does not exist. The local SES has no configuration sets: send without ConfigurationSetName.`,
    );
  }
}

/** SES v1 message ids: hex, a UUID, a suffix (`0100018f...-1b2c...-000000`). */
function messageId(): string {
  return `${randomBytes(8).toString('hex')}-${crypto.randomUUID()}-000000`;
}

/** SendEmail: checks what AWS checks and answers the email to keep. */
function sendEmail(form: URLSearchParams): Omit<SentEmail, 'messageId' | 'timestamp'> {
  const missing = [
    ...(form.get('Source') === null ? ['source'] : []),
    ...(present(form, 'Destination') ? [] : ['destination']),
    ...(present(form, 'Message') ? [] : ['message']),
  ];
  if (present(form, 'Message')) {
    if (!present(form, 'Message.Subject')) missing.push('message.subject');
    else if (form.get('Message.Subject.Data') === null) missing.push('message.subject.data');
    if (!present(form, 'Message.Body')) missing.push('message.body');
  }
  if (missing.length > 0) throw notNull(missing);
  checkConfigurationSet(form);
  const source = form.get('Source') ?? '';
  const to = members(form, 'Destination.ToAddresses');
  const cc = members(form, 'Destination.CcAddresses');
  const bcc = members(form, 'Destination.BccAddresses');
  const replyTo = members(form, 'ReplyToAddresses');
  const returnPath = form.get('ReturnPath');
  // "The message must include at least one recipient email address" (API_SendEmail).
  if (to.length + cc.length + bcc.length === 0) throw invalidParameterValue("Missing required header 'To'.");
  checkAddresses([source, ...to, ...cc, ...bcc, ...replyTo, ...(returnPath === null ? [] : [returnPath])]);
  const text = form.get('Message.Body.Text.Data');
  const html = form.get('Message.Body.Html.Data');
  return {
    from: source,
    replyTo,
    to,
    cc,
    bcc,
    subject: form.get('Message.Subject.Data') ?? '',
    ...(text !== null ? { text } : {}),
    ...(html !== null ? { html } : {}),
  };
}

/** Each address of a parsed header, groups flattened, as `Name <address>` or `address`. */
function addressesOf(header: AddressObject | AddressObject[] | undefined): string[] {
  const objects = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const out: string[] = [];
  const add = (entries: AddressObject['value']): void => {
    for (const entry of entries) {
      if (entry.group) add(entry.group);
      else out.push(entry.name ? `${entry.name} <${entry.address ?? ''}>` : (entry.address ?? ''));
    }
  };
  for (const object of objects) add(object.value);
  return out;
}

/** The address inside `Name <address>`, for comparing envelope and header recipients. */
const bare = (address: string): string =>
  (/<([^>]*)>\s*$/.exec(address)?.[1] ?? address).trim().toLowerCase();

/**
 * SendRawEmail: the MIME message is parsed (mailparser); the sender is `Source` or the From
 * header, the recipients `Destinations` or the To/Cc/Bcc headers. Envelope recipients that no
 * header names are kept as Bcc, which is what they are to the other recipients.
 */
async function sendRawEmail(form: URLSearchParams): Promise<Omit<SentEmail, 'messageId' | 'timestamp'>> {
  const data = form.get('RawMessage.Data');
  if (data === null) throw notNull(['rawMessage']);
  checkConfigurationSet(form);
  const mail = await simpleParser(Buffer.from(data, 'base64'));
  const source = form.get('Source');
  const from = addressesOf(mail.from);
  if (source === null && from.length === 0) throw invalidParameterValue("Missing required header 'From'.");
  const to = addressesOf(mail.to);
  const cc = addressesOf(mail.cc);
  const headerBcc = addressesOf(mail.bcc);
  const envelope = members(form, 'Destinations');
  const named = new Set([...to, ...cc, ...headerBcc].map(bare));
  const bcc = [...headerBcc, ...envelope.filter((address) => !named.has(bare(address)))];
  if (envelope.length === 0 && to.length + cc.length + headerBcc.length === 0) {
    throw invalidParameterValue("Missing required header 'To'.");
  }
  const replyTo = addressesOf(mail.replyTo);
  checkAddresses([...(source === null ? [] : [source]), ...from, ...to, ...cc, ...bcc, ...replyTo]);
  return {
    from: from[0] ?? source ?? '',
    replyTo,
    to,
    cc,
    bcc,
    subject: mail.subject ?? '',
    ...(mail.text !== undefined ? { text: mail.text } : {}),
    ...(mail.html !== false ? { html: mail.html } : {}),
  };
}

const escapeXml = (text: string): string => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

export interface QueryAnswer {
  readonly status: number;
  readonly xml: string;
}

/**
 * Runs one SES v1 request: `keep` stores the accepted email (the outbox) before the sender is
 * answered. Failures AWS would answer are thrown as SesApiError; render them with `queryError`.
 */
export async function handleQuery(
  body: Buffer,
  keep: (email: SentEmail) => Promise<void>,
): Promise<QueryAnswer> {
  const form = new URLSearchParams(body.toString('utf8'));
  const action = form.get('Action');
  const build = action === 'SendEmail' ? sendEmail : action === 'SendRawEmail' ? sendRawEmail : undefined;
  if (build === undefined) {
    throw new SesApiError(
      'InvalidAction',
      `The action ${action === null ? '(none)' : `'${action}'`} is not valid for the local SES endpoint: ` +
        'of SES v1 it serves SendEmail and SendRawEmail; use SES v2 (@aws-sdk/client-sesv2) for the rest.',
    );
  }
  const id = messageId();
  await keep({ messageId: id, ...(await build(form)), timestamp: new Date().toISOString() });
  return {
    status: 200,
    xml:
      `<${action}Response xmlns="${NAMESPACE}"><${action}Result><MessageId>${id}</MessageId></${action}Result>` +
      `<ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
  };
}

/** The query protocol's error document; the SDK names the exception after `Code`. */
export function queryError(error: SesApiError): QueryAnswer {
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  return {
    status: error.status,
    xml:
      `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${type}</Type><Code>${escapeXml(error.type)}</Code>` +
      `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${crypto.randomUUID()}</RequestId></ErrorResponse>`,
  };
}
