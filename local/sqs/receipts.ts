/** Receipt handles: the queue, the message and the nonce of one receive, opaque to the client. */
import { randomUUID } from 'node:crypto';
import { receiptHandleInvalid } from './errors.ts';

export interface Receipt {
  readonly queue: string;
  readonly id: string;
  readonly nonce: string;
}

export function newNonce(): string {
  return randomUUID();
}

export function encodeReceipt(receipt: Receipt): string {
  return Buffer.from(`${receipt.queue}\n${receipt.id}\n${receipt.nonce}`, 'utf8').toString('base64');
}

/** Decodes a handle given for `queue`; one from another queue or not ours is ReceiptHandleIsInvalid. */
export function decodeReceipt(handle: string, queue: string): Receipt {
  const parts = Buffer.from(handle, 'base64').toString('utf8').split('\n');
  const [name, id, nonce] = parts;
  if (parts.length !== 3 || name !== queue || !id || !nonce) throw receiptHandleInvalid(handle);
  return { queue: name, id, nonce };
}
