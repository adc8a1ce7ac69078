import { SuppressionChecks } from './suppression-checks.js';

/** A lookup over a fixed table of suppressed hashes that waits to be released, recording what it was asked. */
function lookupOf(table: Record<string, string>) {
  const asked: string[][] = [];
  const releases: (() => void)[] = [];
  const lookUp = (hashes: string[]) => {
    asked.push(hashes);
    return new Promise<Map<string, string>>((resolve) => releases.push(() => resolve(new Map(hashes.filter((h) => h in table).map((h) => [h, table[h]])))));
  };
  return { lookUp, asked, release: () => releases.shift()!() };
}

describe('SuppressionChecks', () => {
  it('runs a check alone at once, and the checks asked for meanwhile together in one lookup', async () => {
    const lookup = lookupOf({ b1: 'bounce', c2: 'complaint' });
    const checks = new SuppressionChecks(lookup.lookUp);
    const first = checks.check(['a1', 'a2']);
    const later = [checks.check(['b1']), checks.check(['c1', 'c2']), checks.check(['a1'])];
    expect(lookup.asked).toEqual([['a1', 'a2']]);
    lookup.release();
    expect(await first).toBeNull();
    await new Promise((resolve) => setImmediate(resolve));
    // One lookup for the three, each hash once.
    expect(lookup.asked[1]).toEqual(['b1', 'c1', 'c2', 'a1']);
    lookup.release();
    expect(await Promise.all(later)).toEqual(['bounce', 'complaint', null]);
  });

  it('fails the checks of a batch whose lookup failed, and goes on with the next', async () => {
    let calls = 0;
    const checks = new SuppressionChecks<string>(async (hashes) => {
      calls++;
      if (calls === 1) throw new Error('database down');
      return new Map(hashes.map((h) => [h, 'manual']));
    });
    await expect(checks.check(['x'])).rejects.toThrow('database down');
    await expect(checks.check(['y'])).resolves.toBe('manual');
  });

  it('splits the checks waiting past maxBatch over several lookups', async () => {
    const sizes: number[] = [];
    const checks = new SuppressionChecks<string>(async (hashes) => {
      sizes.push(hashes.length);
      return new Map();
    }, 2);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((h) => checks.check([h])));
    expect(sizes).toEqual([1, 2, 2]);
  });
});
