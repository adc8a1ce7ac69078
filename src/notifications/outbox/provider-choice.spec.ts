import { pickProvider } from './provider-choice.js';

describe('pickProvider (decision D29: the rotation)', () => {
  const chain = ['A', 'B', 'C'] as const;
  const all = () => true;
  const none = new Set<string>();

  it('starts with the chosen provider, then turns to the one after the last attempt, round the chain', () => {
    expect(pickProvider(chain, null, all, none)).toBe('A');
    expect(pickProvider(chain, 'A', all, none)).toBe('B');
    expect(pickProvider(chain, 'B', all, none)).toBe('C');
    expect(pickProvider(chain, 'C', all, none)).toBe('A');
  });

  it('passes over providers that cannot send (no config or no secrets)', () => {
    expect(pickProvider(chain, 'A', (type) => type !== 'B', none)).toBe('C');
    expect(pickProvider(chain, null, (type) => type !== 'A', none)).toBe('B');
    expect(pickProvider(chain, 'A', (type) => type === 'A', none)).toBe('A');
    expect(pickProvider(chain, null, () => false, none)).toBeUndefined();
  });

  it('skips open circuits while another provider can send, and sends through an open one rather than not at all', () => {
    expect(pickProvider(chain, null, all, new Set(['A']))).toBe('B');
    expect(pickProvider(chain, 'B', all, new Set(['C']))).toBe('A');
    expect(pickProvider(chain, null, all, new Set(['A', 'B', 'C']))).toBe('A');
    expect(pickProvider(chain, 'A', all, new Set(['A', 'B', 'C']))).toBe('B');
    expect(pickProvider(['A'], 'A', all, new Set(['A']))).toBe('A');
  });

  it('starts at the head when the last provider left the chain', () => {
    expect(pickProvider(chain, 'Z', all, none)).toBe('A');
  });
});
