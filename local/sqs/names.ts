/**
 * Queue names, URLs and ARNs. AWS: "A queue name can have up to 80 characters. Valid values:
 * alphanumeric characters, hyphens (-), and underscores (_)"; a FIFO queue's name ends in `.fifo`.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
 */
import { invalidParameter, queueDoesNotExist, unsupported } from './errors.ts';

const NAME = /^[A-Za-z0-9_-]{1,80}$/;

export function checkQueueName(name: string): void {
  if (name.endsWith('.fifo')) {
    throw unsupported(
      `The local SQS endpoint supports standard queues only; ${name} is a FIFO queue name. ` +
        'Use a standard queue locally (the pipe dead-letter queue is one).',
    );
  }
  if (!NAME.test(name)) {
    throw invalidParameter(
      'QueueName',
      name,
      'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.',
    );
  }
}

export interface Where {
  readonly region: string;
  readonly account: string;
}

export function queueArn(where: Where, name: string): string {
  return `arn:aws:sqs:${where.region}:${where.account}:${name}`;
}

/** The URL is built on the host the client called (the service's own port, or the edge). */
export function queueUrl(host: string, where: Where, name: string): string {
  return `http://${host}/${where.account}/${name}`;
}

/** The queue name a QueueUrl names: its last path segment, after the account. */
export function nameFromUrl(where: Where, url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    throw queueDoesNotExist(url);
  }
  const [account, name, ...rest] = path.split('/').filter((part) => part !== '');
  if (account !== where.account || name === undefined || rest.length > 0) throw queueDoesNotExist(url);
  return name;
}

/** The queue name an ARN names, or undefined when it is not an SQS ARN of this account and region. */
export function nameFromArn(where: Where, arn: string): string | undefined {
  const prefix = `arn:aws:sqs:${where.region}:${where.account}:`;
  return arn.startsWith(prefix) ? arn.slice(prefix.length) : undefined;
}
