/**
 * Celery's `saferepr` (celery/utils/saferepr.py) for JSON values, so `argsrepr`/`kwargsrepr` read
 * exactly as a Python client would have written them: `(2, 3)`, `{'a': 1}`, `None`, `True`.
 * Ported rather than approximated because monitoring tools show these strings and Celery's version
 * has its own quirks: strings are quoted with `'` and only `'` is escaped, nesting deeper than three
 * levels prints `[...]`, and output past `maxlen` ends in `, ...` followed by the open brackets' closers.
 */

/** Celery's argsrepr_maxsize / kwargsrepr_maxsize. */
export const REPR_MAXSIZE = 1024;
const MAX_LEVELS = 3;

type Token =
  | { kind: 'open'; text: string; closer: string }
  | { kind: 'close'; text: string }
  | { kind: 'separator'; text: string }
  | { kind: 'key'; value: string }
  | { kind: 'quoted'; value: string }
  | { kind: 'plain'; text: string };

/**
 * The repr of a JSON value (as Python sees it after json.loads). `asTuple` prints a top-level array as
 * a tuple, as Celery does for task args.
 */
export function saferepr(value: unknown, maxlen: number = REPR_MAXSIZE, asTuple = false): string {
  const out: string[] = [];
  const closers: string[] = [];
  let remaining = maxlen;
  for (const token of tokens(value, 0, asTuple)) {
    // Python draws a bracket from its stream (and so owes its closer) before checking the length.
    if (token.kind === 'open') closers.push(token.closer);
    else if (token.kind === 'close') closers.pop();
    if (remaining <= 0) {
      out.push(', ...', ...closers.reverse());
      break;
    }
    const text = render(token, remaining);
    out.push(text);
    remaining -= codePointLength(text);
  }
  return out.join('');
}

function render(token: Token, remaining: number): string {
  switch (token.kind) {
    case 'open':
    case 'close':
    case 'separator':
      return token.text;
    case 'key':
    case 'quoted':
      return quote(token.value, remaining);
    case 'plain':
      return truncate(token.text, remaining);
  }
}

function* tokens(value: unknown, depth: number, asTuple = false): Generator<Token> {
  if (value === null || value === undefined) {
    yield { kind: 'plain', text: 'None' };
  } else if (typeof value === 'boolean') {
    yield { kind: 'plain', text: value ? 'True' : 'False' };
  } else if (typeof value === 'number') {
    yield { kind: 'plain', text: pythonNumber(value) };
  } else if (typeof value === 'string') {
    yield { kind: 'quoted', value };
  } else if (Array.isArray(value)) {
    const [open, close] = asTuple ? ['(', value.length === 1 ? ',)' : ')'] : ['[', ']'];
    if (depth >= MAX_LEVELS) {
      yield { kind: 'plain', text: `${open}...${close}` };
      return;
    }
    yield { kind: 'open', text: open, closer: close };
    for (let i = 0; i < value.length; i++) {
      yield* tokens(value[i], depth + 1);
      if (i < value.length - 1) yield { kind: 'separator', text: ', ' };
    }
    yield { kind: 'close', text: close };
  } else if (typeof value === 'object') {
    if (depth >= MAX_LEVELS) {
      yield { kind: 'plain', text: '{...}' };
      return;
    }
    const entries = Object.entries(value);
    yield { kind: 'open', text: '{', closer: '}' };
    for (let i = 0; i < entries.length; i++) {
      const [key, item] = entries[i]!;
      yield { kind: 'key', value: key };
      yield { kind: 'separator', text: ': ' };
      yield* tokens(item, depth + 1);
      if (i < entries.length - 1) yield { kind: 'separator', text: ', ' };
    }
    yield { kind: 'close', text: '}' };
  } else {
    throw new TypeError(`saferepr: ${typeof value} is not a JSON value`);
  }
}

/** celery.utils.saferepr._format_chars: single quotes, only `'` escaped. */
function quote(text: string, remaining: number): string {
  return `'${truncate(text, remaining).replace(/'/g, "\\'")}'`;
}

/** celery.utils.text.truncate: cut at maxlen, back to the last space, and add `...`. */
function truncate(text: string, maxlen: number): string {
  const chars = Array.from(text);
  if (maxlen && chars.length >= maxlen) {
    const head = chars.slice(0, maxlen).join('');
    const space = head.lastIndexOf(' ');
    return (space === -1 ? head : head.slice(0, space)) + '...';
  }
  return text;
}

function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * How Python prints the number json.loads gives it. JSON.stringify writes whole numbers below 1e21 as
 * digits (Python reads an int); anything else is a Python float, printed by repr's shortest-digits
 * rule: fixed notation with `.0` for decimal exponents -5 < e < 16, else `d.ddde+XX`.
 */
export function pythonNumber(n: number): string {
  if (!Number.isFinite(n)) return 'None'; // JSON.stringify sends NaN and Infinity as null
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return Object.is(n, -0) ? '0' : String(n);
  const [mantissa, exponentText] = Math.abs(n).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  const sign = n < 0 ? '-' : '';
  if (exponent < -4 || exponent >= 16) {
    const expSign = exponent < 0 ? '-' : '+';
    return `${sign}${mantissa}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const point = exponent + 1;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
