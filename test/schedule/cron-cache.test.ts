import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../src/schedule/cron-cache.js';

describe('BoundedCache', () => {
  it('computes a value once per key', () => {
    const cache = new BoundedCache<number>(10);
    let computed = 0;
    const value = () => ++computed;
    expect(cache.get('a', value)).toBe(1);
    expect(cache.get('a', value)).toBe(1);
    expect(cache.get('b', value)).toBe(2);
  });

  it('starts over when full, so it never holds more than its limit', () => {
    const cache = new BoundedCache<string>(2);
    cache.get('a', () => 'first a');
    cache.get('b', () => 'b');
    cache.get('c', () => 'c');
    expect(cache.get('c', () => 'c again')).toBe('c');
    expect(cache.get('a', () => 'second a')).toBe('second a');
  });
});
