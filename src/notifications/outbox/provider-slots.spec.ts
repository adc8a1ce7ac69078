import { ProviderSlots } from './provider-slots.js';

/** A task that runs until released from outside. */
function gate() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { done, release };
}

describe('ProviderSlots', () => {
  it('runs at most the limit at once, the others in the order they came', async () => {
    const slots = new ProviderSlots(2);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      slots.run(async () => {
        started.push(i);
        await g.done;
        return i;
      }),
    );
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    await settle();
    expect(started).toEqual([0, 1]);
    gates[1].release();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    gates[0].release();
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    gates[2].release();
    gates[3].release();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
  });

  it('frees the slot of a task that throws', async () => {
    const slots = new ProviderSlots(1);
    await expect(slots.run(() => Promise.reject(new Error('provider down')))).rejects.toThrow('provider down');
    expect(await slots.run(() => Promise.resolve('next'))).toBe('next');
  });
});
