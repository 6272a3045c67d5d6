import { createHash, randomUUID } from 'node:crypto';

/**
 * The namespace of occurrence task ids. Generated once (a random v4) and fixed forever: changing it
 * would give every occurrence a new id and break duplicate detection across releases.
 */
export const OCCURRENCE_NAMESPACE = 'fc12adac-d477-4d5b-ae73-8054dcd3acc3';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A random (version 4) UUID, as Celery's task ids. */
export function uuid4(): string {
  return randomUUID();
}

/** RFC 4122 version 5 UUID: SHA-1 of the namespace's 16 bytes and the name's UTF-8 bytes. */
export function uuidv5(name: string, namespace: string): string {
  const hash = createHash('sha1')
    .update(namespaceBytes(namespace))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A namespace's 16 bytes, parsed once: beat computes an id for every occurrence it sends. */
const namespaces = new Map<string, Buffer>();

function namespaceBytes(namespace: string): Buffer {
  let bytes = namespaces.get(namespace);
  if (bytes === undefined) {
    if (!UUID_PATTERN.test(namespace)) throw new TypeError(`uuidv5: namespace "${namespace}" is not a UUID`);
    bytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
    if (namespaces.size < 64) namespaces.set(namespace, bytes);
  }
  return bytes;
}

/** The task id of one occurrence of an entry: the same on every beat, restart and release. */
export function occurrenceTaskId(entryName: string, occurrenceMs: number): string {
  if (!Number.isSafeInteger(occurrenceMs)) throw new TypeError(`occurrenceTaskId: occurrence ${occurrenceMs} is not whole milliseconds`);
  return uuidv5(`${entryName}\n${occurrenceMs}`, OCCURRENCE_NAMESPACE);
}
