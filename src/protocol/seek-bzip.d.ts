declare module 'seek-bzip' {
  /** Decodes a whole bzip2 stream. */
  export function decode(input: Buffer, output?: Buffer): Buffer;
}
