// JSON as the conformance oracle writes it, in JavaScript: ints beyond 2^53 are kept as
// bigint (JSON.parse would round them) and, on request, numbers written with a fraction or
// exponent stay distinguishable as { $float: text } (the trace's own encoding).

/** The order a parsed object's keys were written in (plain objects put integer keys first). */
export const KEY_ORDER = Symbol('keyOrder');

export function parse(text, { keepFloatText = false } = {}) {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const fail = (what) => {
    throw new SyntaxError(`JSON: ${what} at offset ${i}`);
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const object = {};
      const order = [];
      Object.defineProperty(object, KEY_ORDER, { value: order });
      ws();
      if (text[i] === '}') return i++, object;
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const key = string();
        if (!order.includes(key)) order.push(key);
        ws();
        if (text[i++] !== ':') fail('expected :');
        Object.defineProperty(object, key, { value: value(), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return i++, object;
        else fail('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      const array = [];
      ws();
      if (text[i] === ']') return i++, array;
      for (;;) {
        array.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return i++, array;
        else fail('expected , or ]');
      }
    }
    if (c === '"') return string();
    if (text.startsWith('true', i)) return (i += 4), true;
    if (text.startsWith('false', i)) return (i += 5), false;
    if (text.startsWith('null', i)) return (i += 4), null;
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('unexpected character');
    i += m[0].length;
    if (m[1] !== undefined || m[2] !== undefined) {
      return keepFloatText ? { $float: m[0] } : Number(m[0]);
    }
    const n = Number(m[0]);
    return Number.isSafeInteger(n) ? n : BigInt(m[0]);
  };
  const string = () => {
    let end = i + 1;
    while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
    const s = JSON.parse(text.slice(i, end + 1));
    i = end + 1;
    return s;
  };
  const result = value();
  ws();
  if (i !== text.length) fail('trailing text');
  return result;
}

/** JSON text; bigints as digits, { $float: text } as the number text, non-finite as $float. */
export function stringify(value, indent = '') {
  const next = indent === null ? null : indent + ' ';
  const nl = indent === null ? '' : '\n';
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return Object.is(value, -0) ? '-0.0' : String(value);
    return stringify({ $float: Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf' }, indent);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${nl}${value.map((v) => (next ?? '') + stringify(v, next)).join(',' + nl)}${nl}${indent ?? ''}]`;
  }
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === '$float' && /^-?\d/.test(value.$float)) return value.$float;
  if (keys.length === 0) return '{}';
  return `{${nl}${keys
    .map((k) => `${next ?? ''}${JSON.stringify(k)}: ${stringify(value[k], next)}`)
    .join(',' + nl)}${nl}${indent ?? ''}}`;
}
