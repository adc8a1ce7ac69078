import type { KeyRing } from '../../common/crypto/index.js';
import type { SuppressionChannel } from './suppression.entity.js';

// How a recipient is compared and found: the address normalised, then an HMAC under the key ring's
// `suppression-hash` sub-key (its own HKDF `info`, so these hashes match no identity hash of a privacy request).
// Shared by the service and by `npm run rotate-keys`, which recomputes the hashes under a new key.

/** Lower-cased email; a phone number in E.164 without the spaces, dots, dashes or brackets people write in it. */
export function normaliseRecipient(channel: SuppressionChannel, recipient: string): string {
  const value = recipient.trim();
  if (channel === 'email') return value.toLowerCase();
  const digits = value.replace(/[\s().-]/g, '');
  return digits.startsWith('00') ? `+${digits.slice(2)}` : digits;
}

const hashInput = (channel: SuppressionChannel, recipient: string) => `${channel}:${normaliseRecipient(channel, recipient)}`;

/** The hash a new row gets: under the current key. */
export const suppressionHash = (keys: KeyRing, channel: SuppressionChannel, recipient: string) => keys.mac('suppression-hash', hashInput(channel, recipient));

/** Every hash a stored row may carry for this recipient (the current key's, then the previous keys'). */
export const suppressionHashes = (keys: KeyRing, channel: SuppressionChannel, recipient: string) =>
  keys.macs('suppression-hash', hashInput(channel, recipient));

/** The additional data a row's sealed recipient is bound to: its id. */
export const suppressionContext = (id: string) => `suppression:${id}`;

/** What a row's `recipient` envelope holds. */
export interface SealedRecipient {
  channel: SuppressionChannel;
  recipient: string;
}
