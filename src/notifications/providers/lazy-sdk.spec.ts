import { lazySdk } from './lazy-sdk.js';

describe('lazySdk', () => {
  it('loads once on first use and shares the load', async () => {
    let loads = 0;
    const sdk = lazySdk(async () => ({ n: ++loads }));
    expect(loads).toBe(0);
    const [a, b] = await Promise.all([sdk(), sdk()]);
    expect(a).toBe(b);
    expect(await sdk()).toBe(a);
    expect(loads).toBe(1);
  });

  it('tries again after a failed load', async () => {
    let loads = 0;
    const sdk = lazySdk(async () => {
      if (++loads === 1) throw new Error('not installed');
      return 'loaded';
    });
    await expect(sdk()).rejects.toThrow('not installed');
    await expect(sdk()).resolves.toBe('loaded');
  });

  it('loads a real SDK module only when asked', async () => {
    const sdk = lazySdk(async () => (await import('nodemailer')).default);
    expect(typeof (await sdk()).createTransport).toBe('function');
  });
});
