import { describe, expect, it } from 'vitest';
import { TurnBatch } from '../../src/util/turn-batch.js';

describe('TurnBatch', () => {
  it('flushes everything added in one turn together, promise jobs included', async () => {
    const flushed: number[][] = [];
    const batch = new TurnBatch<number>(async (items) => { flushed.push(items); });
    const adds = [batch.add(1), Promise.resolve().then(() => batch.add(2)), batch.add(3)];
    await Promise.all(adds);
    expect(flushed).toEqual([[1, 3, 2]]);
  });

  it('starts a new batch for what is added while one is being flushed', async () => {
    const flushed: number[][] = [];
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => { release = resolve; });
    const batch = new TurnBatch<number>(async (items) => {
      flushed.push(items);
      if (flushed.length === 1) await blocked;
    });
    const first = batch.add(1);
    await new Promise((resolve) => setImmediate(resolve));
    const second = batch.add(2);
    await second;
    expect(flushed).toEqual([[1], [2]]);
    release();
    await first;
  });

  it('rejects every add of a failed flush, and only those', async () => {
    const batch = new TurnBatch<string>(async (items) => {
      if (items.includes('bad')) throw new Error(`refused ${items.join(',')}`);
    });
    const failed = [batch.add('a'), batch.add('bad')];
    await expect(failed[0]).rejects.toThrow('refused a,bad');
    await expect(failed[1]).rejects.toThrow('refused a,bad');
    await expect(batch.add('c')).resolves.toBeUndefined();
  });
});
