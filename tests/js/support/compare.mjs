// Compares replay output with Django's, the oracle's way, with one change for this runtime:
// numbers compare by value (JavaScript has one number type, so Django's 2.0 reads back as 2).
// Everything else is exact: objects unordered, bool vs number, null vs missing, error types
// always and messages for Django's own exception types, warnings in order.

export const DJANGO_MESSAGE_TYPES = [
  'ValueError', 'InvalidCacheKey', 'InvalidCacheBackendError', 'CacheKeyWarning',
  'ImproperlyConfigured', 'SuspiciousOperation', 'DisallowedHost', 'TemplateSyntaxError',
];

const isNumber = (v) => typeof v === 'number' || typeof v === 'bigint';
const floatOf = (v) =>
  v !== null && typeof v === 'object' && Object.keys(v).length === 1 && typeof v.$float === 'string'
    ? { nan: NaN, inf: Infinity, '-inf': -Infinity }[v.$float] ?? Number(v.$float)
    : v;

function sameNumber(a, b) {
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    try {
      return BigInt(a) === BigInt(b);
    } catch {
      return false;
    }
  }
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

export function diffValue(expected, actual, path) {
  expected = floatOf(expected);
  actual = floatOf(actual);
  if (isNumber(expected) && isNumber(actual)) {
    return sameNumber(expected, actual) ? null : `${path}: expected ${expected}, got ${actual}`;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) return `${path}: expected ${expected.length} items, got ${actual.length}`;
    for (let n = 0; n < expected.length; n++) {
      const d = diffValue(expected[n], actual[n], `${path}[${n}]`);
      if (d) return d;
    }
    return null;
  }
  const obj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (obj(expected) && obj(actual)) {
    const missing = Object.keys(expected).filter((k) => !Object.hasOwn(actual, k));
    const extra = Object.keys(actual).filter((k) => !Object.hasOwn(expected, k));
    if (missing.length || extra.length) return `${path}: missing keys ${missing}, unexpected keys ${extra}`;
    for (const k of Object.keys(expected)) {
      const d = diffValue(expected[k], actual[k], `${path}[${JSON.stringify(k)}]`);
      if (d) return d;
    }
    return null;
  }
  if (expected === actual) return null;
  return `${path}: expected ${show(expected)}, got ${show(actual)}`;
}

const show = (v) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x));

export function diffEntry(expected, actual) {
  const problems = [];
  for (const field of ['i', 'op']) {
    if (expected[field] !== actual[field]) problems.push(`${field}: expected ${expected[field]}, got ${actual[field]}`);
  }
  const e = expected.error;
  const a = actual.error;
  if (!e && !a) {
    if (!('result' in expected) || !('result' in actual)) problems.push('result missing');
    else {
      const d = diffValue(expected.result, actual.result, 'result');
      if (d) problems.push(d);
    }
  } else if (e && !a) problems.push(`expected error ${show(e)}, got result ${show(actual.result)}`);
  else if (!e && a) problems.push(`expected result ${show(expected.result)}, got error ${show(a)}`);
  else if (e.type !== a.type) problems.push(`error type: expected ${e.type}, got ${a.type} (${a.message})`);
  else if (DJANGO_MESSAGE_TYPES.includes(e.type) && e.message !== a.message) {
    problems.push(`error message: expected ${show(e.message)}, got ${show(a.message)}`);
  }
  const warnings = (entry) => (entry.warnings ?? []).map((w) => [w.category, w.message]);
  if (show(warnings(expected)) !== show(warnings(actual))) {
    problems.push(`warnings: expected ${show(warnings(expected))}, got ${show(warnings(actual))}`);
  }
  return problems;
}

export function diffResults(expected, actual) {
  const e = expected.results ?? [];
  const a = actual.results ?? [];
  const problems = [];
  for (let n = 0; n < Math.max(e.length, a.length); n++) {
    if (!a[n]) problems.push(`#${n}: missing result`);
    else if (!e[n]) problems.push(`#${n}: unexpected extra result`);
    else for (const p of diffEntry(e[n], a[n])) problems.push(`#${n} ${e[n].op}: ${p}`);
  }
  return problems;
}
