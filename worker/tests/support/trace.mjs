// Replays one conformance trace through a Worker's HTTP API: the trace's CACHES is installed
// with /api/_test/setup (the core builds it from the trace, as the oracle does), every cache
// operation goes to POST /api/caches/<alias>/<op>, and the rest (advance, now, the HTTP
// operations) to /api/_test/op. The Worker answers in the oracle's format; this file only
// assembles the document. No cache rule lives here.
import { parse } from '../../../tests/js/support/json.mjs';

/** Operations that are not a cache's: they go to the test route. */
const TEST_OPS = new Set([
  'advance', 'now', 'createcachetable_sql',
  'make_template_fragment_key', 'patch_cache_control', 'patch_vary_headers', 'has_vary_header',
  'get_max_age', 'patch_response_headers', 'add_never_cache_headers', 'learn_cache_key',
  'get_cache_key', 'request',
]);

/** The texts of the elements of the top-level "ops" array, as written in the trace. */
export function rawOps(text) {
  let i = 0;
  const skipString = () => {
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  const skipValue = () => {
    const start = i;
    let depth = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        skipString();
        if (depth === 0) break;
        continue;
      }
      if (c === '{' || c === '[') {
        depth++;
        i++;
        continue;
      }
      if (c === '}' || c === ']') {
        if (depth === 0) break;
        depth--;
        i++;
        if (depth === 0) break;
        continue;
      }
      if (c === ',' && depth === 0) break;
      i++;
    }
    return text.slice(start, i).trim();
  };
  const ws = () => {
    while (' \t\r\n'.includes(text[i])) i++;
  };
  ws();
  if (text[i] !== '{') throw new SyntaxError('a trace is a JSON object');
  i++;
  for (;;) {
    ws();
    if (text[i] === '}') break;
    const keyStart = i;
    skipString();
    const key = JSON.parse(text.slice(keyStart, i));
    ws();
    i++; // :
    ws();
    if (key === 'ops') {
      const ops = [];
      i++; // [
      ws();
      while (text[i] !== ']') {
        ops.push(skipValue());
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      return ops;
    }
    skipValue();
    ws();
    if (text[i] === ',') i++;
  }
  return [];
}

/**
 * Replays `traceText` on `backend` through `api` (from harness.mjs); returns the oracle's
 * output document as JSON text.
 */
export async function replayTrace(
  api,
  traceText,
  backend,
  { location, token, name, realSleep = false } = {},
) {
  const query = new URLSearchParams({ backend });
  if (name) query.set('name', name);
  if (location) query.set('location', location);
  const setup = await api(`/api/_test/setup?${query}`, { method: 'POST', body: traceText, token });
  if (setup.status !== 200) throw new Error(`setup failed (${setup.status}): ${setup.text}`);
  const entries = [];
  for (const [i, opText] of rawOps(traceText).entries()) {
    const op = parse(opText);
    const opName = String(op.op);
    const alias = op.cache ?? 'default';
    const path = TEST_OPS.has(opName)
      ? '/api/_test/op'
      : `/api/caches/${encodeURIComponent(alias)}/${encodeURIComponent(opName)}`;
    const response = await api(path, { method: 'POST', body: opText, token });
    const outcome = response.text.trim();
    if (!outcome.startsWith('{') || !/"(result|error)"/.test(outcome)) {
      throw new Error(`op ${i} (${opName}): unexpected answer ${response.status}: ${outcome}`);
    }
    entries.push(`{"i": ${i}, "op": ${JSON.stringify(opName)}, ${outcome.slice(1)}`);
    // Servers expire keys by their own clocks: advance sleeps too, as in the oracle.
    if (realSleep && opName === 'advance' && Number(op.seconds) > 0) {
      await new Promise((resolve) => setTimeout(resolve, Number(op.seconds) * 1000));
    }
  }
  const header = setup.text.trim();
  if (!header.endsWith('[]}')) throw new Error(`unexpected setup answer: ${header}`);
  return `${header.slice(0, -3)}[${entries.join(', ')}]}`;
}
