import { describe, expect, it } from 'vitest';
import { OCCURRENCE_NAMESPACE, occurrenceTaskId, uuid4, uuidv5 } from '../../src/protocol/ids.js';

const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

describe('task ids', () => {
  it('uuidv5 matches Python uuid.uuid5 (RFC 4122 name-based, SHA-1)', () => {
    // /usr/bin/python3 -c "import uuid; print(uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org'))"
    expect(uuidv5('python.org', DNS_NAMESPACE)).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    // uuid.uuid5(uuid.UUID(OCCURRENCE_NAMESPACE), 'rapport-ü\n0'): names are hashed as UTF-8
    expect(uuidv5('rapport-ü\n0', OCCURRENCE_NAMESPACE)).toBe('baca8741-da01-5163-a579-83ed768ed352');
  });

  it('pins the occurrence namespace forever: this id must never change', () => {
    expect(OCCURRENCE_NAMESPACE).toBe('fc12adac-d477-4d5b-ae73-8054dcd3acc3');
    // nightly-backup at 2026-01-01T02:00:00Z
    expect(occurrenceTaskId('nightly-backup', Date.UTC(2026, 0, 1, 2))).toBe('f5408d1c-01a1-5d03-8476-8e0027a2f6df');
  });

  it('gives each entry and each occurrence its own id', () => {
    const ids = new Set([
      occurrenceTaskId('a', 1000), occurrenceTaskId('a', 2000), occurrenceTaskId('b', 1000),
      // the newline separator keeps "a1" + 000 apart from "a" + 1000
      occurrenceTaskId('a1', 0),
    ]);
    expect(ids.size).toBe(4);
    expect(occurrenceTaskId('a', 1000)).toBe(occurrenceTaskId('a', 1000));
  });

  it('rejects occurrence instants that are not whole milliseconds and namespaces that are not UUIDs', () => {
    expect(() => occurrenceTaskId('a', 1.5)).toThrow(/whole milliseconds/);
    expect(() => uuidv5('x', 'not-a-uuid')).toThrow(/not a UUID/);
  });

  it('uuid4 and uuidv5 carry their version and the RFC 4122 variant', () => {
    expect(uuid4()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(occurrenceTaskId('x', 0)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
