import { KeyRing } from '../../common/crypto/index.js';
import { normaliseRecipient, suppressionHash, suppressionHashes } from './suppressed-recipient.js';

const A = 'key-a-for-the-suppression-spec!!';
const B = 'key-b-for-the-suppression-spec!!';

describe('suppressed recipients', () => {
  it.each([
    ['email', ' Jane.Doe@Example.COM ', 'jane.doe@example.com'],
    ['sms', '+15557654321', '+15557654321'],
    ['sms', ' +1 (555) 765-43.21 ', '+15557654321'],
    ['sms', '0044 20 7946 0958', '+442079460958'],
  ] as const)('normalises the %s recipient %j to %j', (channel, raw, normalised) => {
    expect(normaliseRecipient(channel, raw)).toBe(normalised);
  });

  it('hashes the normalised recipient with its channel under the suppression sub-key, and lists the previous keys', () => {
    const ring = new KeyRing(B, [A]);
    expect(suppressionHash(ring, 'email', 'Jane.Doe@Example.com')).toBe(ring.mac('suppression-hash', 'email:jane.doe@example.com'));
    expect(suppressionHash(ring, 'email', 'x@example.com')).not.toBe(ring.mac('identity-hash', 'email:x@example.com'));
    expect(suppressionHashes(ring, 'sms', '+1 555 765 4321')).toEqual([
      suppressionHash(new KeyRing(B), 'sms', '+15557654321'),
      suppressionHash(new KeyRing(A), 'sms', '+15557654321'),
    ]);
  });
});
