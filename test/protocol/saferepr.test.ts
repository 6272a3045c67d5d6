import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pythonNumber, saferepr } from '../../src/protocol/saferepr.js';

interface Case { json: string; asTuple: boolean; maxlen: number; repr: string }
// Recorded from Celery: /usr/bin/python3 test/interop/python/record_saferepr.py > test/fixtures/protocol/saferepr.json
const cases = JSON.parse(readFileSync(new URL('../fixtures/protocol/saferepr.json', import.meta.url), 'utf8')) as Case[];

describe('saferepr (argsrepr/kwargsrepr) matches Celery 5.2.6', () => {
  it.each(cases.map((c) => [c.json.slice(0, 60), c] as const))('%s', (_label, c) => {
    expect(saferepr(JSON.parse(c.json), c.maxlen, c.asTuple)).toBe(c.repr);
  });

  it('prints numbers as Python does after json.loads', () => {
    expect(pythonNumber(3)).toBe('3');
    expect(pythonNumber(-0)).toBe('0');
    expect(pythonNumber(0.5)).toBe('0.5');
    expect(pythonNumber(1e-7)).toBe('1e-07');
    expect(pythonNumber(1.5e300)).toBe('1.5e+300');
    expect(pythonNumber(123.25e-3)).toBe('0.12325');
  });
});
