/** A received message that cannot be decoded (bad JSON, pickle, unknown compression...): reject it. */
export class MessageDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MessageDecodeError';
  }
}
