import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ReceivedMessage } from '../../src/broker/interfaces.js';
import { decodeTaskMessage } from '../../src/protocol/decode.js';
import { MessageDecodeError } from '../../src/protocol/errors.js';

function received(body: string | Buffer, headers: Record<string, unknown> = { task: 't', id: 'i' }, contentType = 'application/json'): ReceivedMessage {
  return { queue: 'q', raw: '', headers, properties: {}, contentType, contentEncoding: 'utf-8', body: Buffer.from(body) };
}

describe('decodeTaskMessage', () => {
  it('fills headers a minimal protocol 2 sender leaves out and accepts a body without embed', () => {
    const decoded = decodeTaskMessage(received('[[1], {"a": 2}]'));
    expect(decoded.headers).toMatchObject({ task: 't', id: 'i', root_id: 'i', eta: null, expires: null, retries: 0, timelimit: [null, null] });
    expect(decoded.embed).toEqual({ callbacks: null, errbacks: null, chain: null, chord: null });
    expect(decoded.kwargs).toEqual({ a: 2 });
  });

  it('reads zlib bodies', () => {
    const decoded = decodeTaskMessage(received(deflateSync('[[1], {}, {}]'), { task: 't', id: 'i', compression: 'application/x-gzip' }));
    expect(decoded.args).toEqual([1]);
  });

  it.each([
    ['pickle', received('x', undefined, 'application/x-python-serialize'), /application\/x-python-serialize.*application\/json only/],
    ['yaml', received('x', undefined, 'application/x-yaml'), /application\/x-yaml/],
    ['msgpack', received('x', undefined, 'application/x-msgpack'), /application\/x-msgpack/],
    ['unknown compression', received('x', { task: 't', id: 'i', compression: 'application/x-lzma' }), /unsupported compression "application\/x-lzma"/],
    ['corrupt zlib', received('nope', { task: 't', id: 'i', compression: 'application/x-gzip' }), /not valid application\/x-gzip data/],
    ['invalid JSON', received('[[1], {'), /not valid JSON/],
    ['no task anywhere', received('[[], {}, {}]', {}), /not a Celery task message/],
    ['no id', received('[[], {}, {}]', { task: 't' }), /header "id"/],
    ['args not a list', received('[1, {}, {}]'), /args must be an array/],
    ['kwargs not a mapping', received('[[], [1], {}]'), /kwargs must be an object/],
  ])('refuses %s with a MessageDecodeError', (_name, message, error) => {
    expect(() => decodeTaskMessage(message)).toThrow(MessageDecodeError);
    expect(() => decodeTaskMessage(message)).toThrow(error);
  });
});
