import { clientAddress } from './client-address.js';

describe('clientAddress', () => {
  it('keeps an IPv4 address, and reads an IPv4-mapped IPv6 address as IPv4', () => {
    expect(clientAddress('203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddress('::ffff:cb00:7107')).toBe('203.0.113.7');
  });

  it('counts IPv6 by /64, however the address is written', () => {
    const block = '2001:db8:0:12::/64';
    for (const ip of ['2001:db8::12:0:0:0:1', '2001:0db8:0000:0012:ffff:ffff:ffff:ffff', '2001:db8:0:12::1.2.3.4', '2001:db8:0:12::9%eth0']) {
      expect(clientAddress(ip)).toBe(block);
    }
    expect(clientAddress('2001:db8:0:13::1')).toBe('2001:db8:0:13::/64');
    expect(clientAddress('::1')).toBe('0:0:0:0::/64');
    expect(clientAddress('::')).toBe('0:0:0:0::/64');
  });

  it('keeps anything else as it is', () => {
    expect(clientAddress('not an address')).toBe('not an address');
    expect(clientAddress(undefined)).toBe('');
  });
});
