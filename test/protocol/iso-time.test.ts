import { describe, expect, it } from 'vitest';
import { formatCeleryIso, parseIsoInstant } from '../../src/protocol/iso-time.js';

describe('Celery ISO instants', () => {
  it('formats like Python isoformat() of an aware UTC datetime', () => {
    expect(formatCeleryIso(Date.UTC(2026, 10, 24, 0, 53, 20, 280))).toBe('2026-11-24T00:53:20.280000+00:00');
    expect(formatCeleryIso(Date.UTC(2026, 10, 24, 0, 53, 20))).toBe('2026-11-24T00:53:20+00:00');
  });

  it('parses offsets, Z, microseconds and naive times', () => {
    expect(parseIsoInstant('2026-11-24T00:53:20.280441+08:00')).toEqual({ ms: Date.UTC(2026, 10, 23, 16, 53, 20, 280), hasOffset: true });
    expect(parseIsoInstant('2026-11-24T00:53:20Z')?.ms).toBe(Date.UTC(2026, 10, 24, 0, 53, 20));
    expect(parseIsoInstant('2026-11-24T00:53:20-0130')?.ms).toBe(Date.UTC(2026, 10, 24, 2, 23, 20));
    expect(parseIsoInstant('2026-11-24 00:53:20.5')).toEqual({ ms: Date.UTC(2026, 10, 24, 0, 53, 20, 500), hasOffset: false });
  });

  it('refuses text that is not an instant', () => {
    for (const text of ['tomorrow', '2026-02-30T00:00:00Z', '2026-11-24T24:00:00Z', '2026-11-24']) {
      expect(parseIsoInstant(text), text).toBeUndefined();
    }
  });
});
