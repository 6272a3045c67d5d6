import seekBzip from 'seek-bzip';
import { deflateSync, inflateSync } from 'node:zlib';
import { MessageDecodeError } from './errors.js';

/**
 * Celery's `compression` header names. kombu registers zlib under the gzip MIME type: the data is
 * zlib (RFC 1950, Python's zlib.compress), not gzip.
 */
export const ZLIB_COMPRESSION = 'application/x-gzip';
export const BZIP2_COMPRESSION = 'application/x-bz2';

/** Compresses a body as kombu's `zlib` compressor does. */
export function zlibCompress(body: Buffer): Buffer {
  return deflateSync(body);
}

/** Undoes the compression a message's `compression` header names (none when undefined/null). */
export function decompressBody(body: Buffer, compression: unknown): Buffer {
  if (compression === undefined || compression === null) return body;
  try {
    if (compression === ZLIB_COMPRESSION || compression === 'zlib') return inflateSync(body);
    if (compression === BZIP2_COMPRESSION || compression === 'bzip2') return seekBzip.decode(body);
  } catch (error) {
    throw new MessageDecodeError(`body is not valid ${String(compression)} data: ${error instanceof Error ? error.message : String(error)}`);
  }
  throw new MessageDecodeError(`unsupported compression "${String(compression)}" (celeriac reads ${ZLIB_COMPRESSION} and ${BZIP2_COMPRESSION})`);
}
