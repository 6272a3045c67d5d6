declare module 'seek-bzip' {
  /** seek-bzip is CommonJS: Node's ESM loader only gives its module.exports as the default export. */
  const seekBzip: {
    /** Decodes a whole bzip2 stream. */
    decode(input: Buffer, output?: Buffer): Buffer;
  };
  export default seekBzip;
}
