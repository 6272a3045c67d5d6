/**
 * Instants as Celery writes them in `eta`/`expires`: Python's `datetime.isoformat()` of an aware
 * datetime, `2026-11-24T00:53:20.280441+00:00` (no fraction when it is zero). We write UTC.
 */
export function formatCeleryIso(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`formatCeleryIso: ${ms} is not an instant`);
  const iso = new Date(ms).toISOString(); // 2026-11-24T00:53:20.280Z
  const fraction = iso.slice(20, 23);
  return `${iso.slice(0, 19)}${fraction === '000' ? '' : `.${fraction}000`}+00:00`;
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export interface ParsedInstant {
  ms: number;
  /** False when the text had no offset (Python's naive datetime). */
  hasOffset: boolean;
}

/**
 * Parses an ISO-8601 instant as Python writes them (up to microseconds, offset `+08:00`, `Z` or none).
 * Without an offset the time is read as UTC and `hasOffset` is false, so callers can refuse it.
 * Returns undefined for text that is not such an instant.
 */
export function parseIsoInstant(text: string): ParsedInstant | undefined {
  const m = ISO_INSTANT.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, offset] = m;
  const fields = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s ?? 0)] as const;
  const utc = Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5], Number((frac ?? '').padEnd(3, '0').slice(0, 3)));
  const check = new Date(utc);
  if (check.getUTCMonth() !== fields[1] - 1 || check.getUTCDate() !== fields[2] || fields[3] > 23 || fields[4] > 59 || fields[5] > 59) return undefined;
  return { ms: utc - offsetMinutes(offset) * 60_000, hasOffset: offset !== undefined };
}

function offsetMinutes(offset: string | undefined): number {
  if (offset === undefined || offset.toUpperCase() === 'Z') return 0;
  const digits = offset.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
  return offset.startsWith('-') ? -minutes : minutes;
}
