import { BatchWriter } from './batch-writer.js';

describe('BatchWriter', () => {
  it('writes alone an item that finds it idle, and together the items that came during a write', async () => {
    const writes: number[][] = [];
    let release!: () => void;
    const writer = new BatchWriter<number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = writer.add(1);
    const rest = [writer.add(2), writer.add(3), writer.add(4)];
    expect(writes).toEqual([[1]]);
    release();
    await Promise.all([first, ...rest]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('keeps batches within the limit', async () => {
    const writes: number[][] = [];
    let release!: () => void;
    const writer = new BatchWriter<number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
    }, 2);
    const all = [1, 2, 3, 4, 5].map((n) => writer.add(n));
    release();
    await Promise.all(all);
    expect(writes).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('fails only the items of the batch whose write failed', async () => {
    let calls = 0;
    let release!: () => void;
    const writer = new BatchWriter<string>(async () => {
      calls++;
      if (calls === 1) await new Promise<void>((resolve) => (release = resolve));
      if (calls === 2) throw new Error('database gone');
    });
    const first = writer.add('a');
    const failing = [writer.add('b'), writer.add('c')];
    release();
    await first;
    for (const item of failing) await expect(item).rejects.toThrow('database gone');
    await expect(writer.add('d')).resolves.toBeUndefined();
    expect(calls).toBe(3);
  });
});
