// Python values between JavaScript and the component's WIT `value` variant: scalars as their
// own cases, lists, tuples, dicts and ints beyond 64 bits in the `encoded` form (the tag-byte
// encoding wit/edgecache.wit and docs/component.md describe).
//
// JS conventions: `null` is None; numbers with a fraction are floats, other numbers and
// bigints ints; arrays are lists, `{ tuple: [...] }` tuples, Maps dicts, Uint8Arrays bytes.

const TAG = { none: 0, bool: 1, int: 2, float: 3, str: 4, bytes: 5, list: 6, tuple: 7, dict: 8 };
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** A JS value as the WIT variant. */
export function encode(value) {
  if (value === null) return { tag: 'none' };
  if (typeof value === 'boolean') return { tag: 'boolean', val: value };
  if (typeof value === 'number' && !Number.isInteger(value)) return { tag: 'float', val: value };
  if (typeof value === 'number' || typeof value === 'bigint') {
    const n = BigInt(value);
    if (n >= I64_MIN && n <= I64_MAX) return { tag: 'int', val: n };
  }
  if (typeof value === 'string') return { tag: 'str', val: value };
  if (value instanceof Uint8Array) return { tag: 'bytes', val: value };
  return { tag: 'encoded', val: Uint8Array.from(write(value, [])) };
}

function varint(out, n) {
  do {
    const byte = Number(n & 0x7fn);
    n >>= 7n;
    out.push(n === 0n ? byte : byte | 0x80);
  } while (n !== 0n);
}

function write(value, out) {
  if (value === null) out.push(TAG.none);
  else if (typeof value === 'boolean') out.push(TAG.bool, value ? 1 : 0);
  else if (typeof value === 'number' && !Number.isInteger(value)) {
    out.push(TAG.float);
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    out.push(...bytes);
  } else if (typeof value === 'number' || typeof value === 'bigint') {
    const n = BigInt(value);
    out.push(TAG.int);
    varint(out, n >= 0n ? n << 1n : ((-n) << 1n) - 1n); // zigzag
  } else if (typeof value === 'string' || value instanceof Uint8Array) {
    const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
    out.push(typeof value === 'string' ? TAG.str : TAG.bytes);
    varint(out, BigInt(bytes.length));
    out.push(...bytes);
  } else if (Array.isArray(value) || Array.isArray(value.tuple)) {
    const items = Array.isArray(value) ? value : value.tuple;
    out.push(Array.isArray(value) ? TAG.list : TAG.tuple);
    varint(out, BigInt(items.length));
    for (const item of items) write(item, out);
  } else if (value instanceof Map) {
    out.push(TAG.dict);
    varint(out, BigInt(value.size));
    for (const [k, v] of value) write(k, out), write(v, out);
  } else throw new TypeError(`cannot encode ${value}`);
  return out;
}

/** The WIT variant as a JS value (ints as numbers when they are safe, bigints otherwise). */
export function decode(value) {
  switch (value.tag) {
    case 'none': return null;
    case 'int': return int(value.val);
    case 'encoded': {
      const reader = { raw: value.val, at: 0 };
      const out = read(reader);
      if (reader.at !== reader.raw.length) throw new Error('trailing bytes');
      return out;
    }
    default: return value.val;
  }
}

const int = (n) => (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n);

function readVarint(reader) {
  let n = 0n;
  for (let shift = 0n; ; shift += 7n) {
    const byte = reader.raw[reader.at++];
    if (byte === undefined) throw new Error('truncated');
    n |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return n;
  }
}

function read(reader) {
  const tag = reader.raw[reader.at++];
  switch (tag) {
    case TAG.none: return null;
    case TAG.bool: return reader.raw[reader.at++] === 1;
    case TAG.int: {
      const z = readVarint(reader);
      return int(z & 1n ? -((z + 1n) >> 1n) : z >> 1n);
    }
    case TAG.float: {
      const view = new DataView(reader.raw.buffer, reader.raw.byteOffset + reader.at, 8);
      reader.at += 8;
      return view.getFloat64(0, true);
    }
    case TAG.str:
    case TAG.bytes: {
      const n = Number(readVarint(reader));
      const bytes = reader.raw.slice(reader.at, reader.at + n);
      reader.at += n;
      return tag === TAG.str ? new TextDecoder().decode(bytes) : bytes;
    }
    case TAG.list:
    case TAG.tuple: {
      const items = Array.from({ length: Number(readVarint(reader)) }, () => read(reader));
      return tag === TAG.list ? items : { tuple: items };
    }
    case TAG.dict: {
      const dict = new Map();
      for (let n = Number(readVarint(reader)); n > 0; n--) {
        const k = read(reader);
        dict.set(k, read(reader));
      }
      return dict;
    }
    default: throw new Error(`unknown tag ${tag}`);
  }
}
