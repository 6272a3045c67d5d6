import { randomUUID } from 'node:crypto';
import { digest } from '../util/digest.js';

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
  const needed = 16 + name.length * 3;
  if (hashInput.length < needed) hashInput = Buffer.alloc(Math.max(needed, 2 * hashInput.length));
  namespaceBytes(namespace).copy(hashInput, 0);
  const length = 16 + hashInput.write(name, 16, 'utf8');
  const bytes = digest('sha1', hashInput.subarray(0, length));
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return formatUuid(bytes);
}

/** Namespace and name go into this one buffer: beat computes an id for every occurrence it sends. */
let hashInput = Buffer.alloc(256);

/** A namespace's 16 bytes, parsed once. */
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

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
const uuidText = Buffer.alloc(36);

/**
 * The 8-4-4-4-12 hex form of the first 16 bytes, written into one buffer and read as one string: slicing
 * and joining hex would leave every id a chain of five pieces (beat keeps ids of 100k entries).
 */
function formatUuid(bytes: Buffer): string {
  let at = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) uuidText[at++] = 0x2d;
    uuidText[at++] = HEX_DIGITS[bytes[i]! >> 4]!;
    uuidText[at++] = HEX_DIGITS[bytes[i]! & 0x0f]!;
  }
  return uuidText.toString('latin1', 0, 36);
}

/** The task id of one occurrence of an entry: the same on every beat, restart and release. */
export function occurrenceTaskId(entryName: string, occurrenceMs: number): string {
  if (!Number.isSafeInteger(occurrenceMs)) throw new TypeError(`occurrenceTaskId: occurrence ${occurrenceMs} is not whole milliseconds`);
  return uuidv5(`${entryName}\n${occurrenceMs}`, OCCURRENCE_NAMESPACE);
}
