// The playground: a `CACHES` editor, a console and forms, live tables of every alias, a chart,
// sharing. Every cache decision is the core's (the npm package's browser build in vendor/):
// commands are parsed by the core's console, run by its replay engine, and the tables are
// its `inspect()`; this file only draws.
import {
  consoleHelp,
  createSession,
  exportTrace,
  importTrace,
  parseCommand,
} from './vendor/js/browser.js';
import { EXAMPLES } from './examples.js';
import { SqlJsD1 } from './sqljs-d1.js';
import { openIdbKv } from './idb-kv.js';

const ORACLE_START = 1_700_000_000;
const $ = (id) => document.getElementById(id);
/** Where the Worker's API is: this page's origin, or `?api=<origin>` (the API answers CORS). */
const API_BASE = (() => {
  const given = new URLSearchParams(location.search).get('api');
  try {
    return given ? new URL(given, location.href) : new URL('.', location.href);
  } catch {
    return new URL('.', location.href);
  }
})();
const TOKEN_KEY = 'edgecache-api-token';

const state = {
  /** The settings text the session was built from. */
  config: '',
  session: null,
  /** { line, op, result, culls: [{ alias, cull }] } per operation run. */
  history: [],
  /** Per operation: { alias: { count, hitRate } }. */
  series: [],
  /** alias → last inspection / error. */
  views: new Map(),
  /** Operations wait for the one before (stores answer asynchronously). */
  queue: Promise.resolve(),
  idb: null,
  sqlFactory: null,
  /** GET api/config's answer when the page is served by (or pointed at) the Worker. */
  remote: null,
  /** 'local' (the in-page session) or 'worker' (the Worker's caches through its API). */
  target: 'local',
  /** Worker alias → last inspection / error, drawn like `views` when the target is the Worker. */
  remoteViews: new Map(),
  recall: -1,
};

// ----- small helpers -----

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** A value from `inspect()` written as Python would show it. */
function pyRepr(value) {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    return quote + value.replaceAll('\\', '\\\\').replaceAll(quote, `\\${quote}`).replaceAll('\n', '\\n') + quote;
  }
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) {
    return `b'${Array.from(value, (b) => (b >= 32 && b < 127 && b !== 39 && b !== 92 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('')}'`;
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
}

function seconds(x) {
  const rounded = Math.round(x * 1000) / 1000;
  return `${rounded} s`;
}

function base64url(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function unbase64url(text) {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

function setStatus(text, problem = false) {
  $('status').textContent = text;
  $('status').classList.toggle('problem', problem);
}

// ----- the settings editor -----

function renderGutter(errorLine = null, title = '') {
  const lines = $('config').value.split('\n').length;
  const gutter = $('gutter');
  gutter.replaceChildren();
  for (let n = 1; n <= lines; n++) {
    const line = el('span', { class: n === errorLine ? 'error' : undefined, title: n === errorLine ? title : undefined }, n === errorLine ? `⚠ ${n}` : String(n));
    gutter.append(line, '\n');
  }
  gutter.scrollTop = $('config').scrollTop;
}

function showConfigError(error) {
  const box = $('config-error');
  if (!error) {
    box.hidden = true;
    box.replaceChildren();
    $('config').removeAttribute('aria-invalid');
    renderGutter();
    placeMarker(null);
    return;
  }
  const line = typeof error.line === 'number' ? error.line : null;
  box.hidden = false;
  const where = [];
  if (line !== null) where.push(`Line ${line}`);
  if (error.alias) where.push(`alias '${error.alias}'`);
  if (error.field) where.push(`field ${error.field}`);
  const setting = error.alias
    ? `CACHES['${error.alias}']${(error.field ?? '').split('.').filter(Boolean).map((f) => `['${f}']`).join('')}${error.value ? ` = ${error.value}` : ''}`
    : null;
  box.replaceChildren(
    el('strong', { class: 'error-where' }, where.length ? `${where.join(', ')}: ` : ''),
    el('span', { class: 'error-type' }, `${error.name ?? 'Error'}`),
    setting ? el('div', {}, el('code', {}, setting)) : null,
    el('div', { class: 'error-message' }, error.detail ?? error.message),
    line !== null ? el('button', { type: 'button', class: 'link', id: 'goto-line' }, `Go to line ${line}`) : null,
  );
  $('config').setAttribute('aria-invalid', 'true');
  renderGutter(line, error.detail ?? error.message);
  placeMarker(line, `${error.field ? `${error.field}: ` : ''}${(error.detail ?? error.message).split(';')[0]}`);
  if (line !== null) {
    $('goto-line').addEventListener('click', () => selectLine(line));
  }
}

/** A short note beside the offending line, inside the editor. */
function placeMarker(line, text) {
  let marker = $('line-marker');
  if (line === null) {
    marker?.remove();
    return;
  }
  if (!marker) {
    marker = el('div', { id: 'line-marker', class: 'line-marker', 'aria-hidden': 'true' });
    $('editor').append(marker);
  }
  marker.textContent = `⚠ ${text}`;
  marker.dataset.line = String(line);
  positionMarker();
}

function positionMarker() {
  const marker = $('line-marker');
  if (!marker) return;
  const area = $('config');
  const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 19;
  const top = parseFloat(getComputedStyle(area).paddingTop) + (Number(marker.dataset.line) - 1) * lineHeight - area.scrollTop;
  marker.style.top = `${top}px`;
  marker.hidden = top < 0 || top > area.clientHeight - lineHeight;
}

function selectLine(line) {
  const area = $('config');
  const lines = area.value.split('\n');
  const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  area.focus();
  area.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
}

/** sql.js, loaded the first time a db alias needs it. */
async function sqlDatabase() {
  if (!state.sqlFactory) {
    if (typeof globalThis.initSqlJs !== 'function') {
      await new Promise((resolve, reject) => {
        const script = el('script', { src: new URL('vendor/sql.js/sql-wasm-browser.js', import.meta.url).href });
        script.onload = resolve;
        script.onerror = () => reject(new Error('could not load sql.js'));
        document.head.append(script);
      });
    }
    state.sqlFactory = await globalThis.initSqlJs({
      locateFile: (file) => new URL(`vendor/sql.js/${file}`, import.meta.url).href,
    });
  }
  return new SqlJsD1(new state.sqlFactory.Database());
}

/** Builds a fresh session from the editor's text; false when the settings are rejected. */
async function applyConfig(text = $('config').value) {
  let session;
  try {
    // A first look, to learn the aliases' backends: stand-in bindings let filebased and db
    // aliases build (nothing runs on them).
    const standIn = { stores: new Proxy({}, { get: () => ({}) }), database: {} };
    session = createSession(text, standIn);
  } catch (error) {
    showConfigError(error);
    setStatus(`Settings rejected${typeof error.line === 'number' ? ` at line ${error.line}` : ''}: the previous session keeps running.`, true);
    return false;
  }
  showConfigError(null);
  const backends = session.aliases.map((alias) => {
    try {
      return session.backend(alias);
    } catch {
      return null;
    }
  });
  const options = {};
  if (backends.includes('filebased')) {
    state.idb ??= await openIdbKv();
    await state.idb.clearAll();
    const idb = state.idb;
    options.stores = new Proxy({}, { get: (_, location) => (typeof location === 'string' ? idb.namespace(location) : undefined) });
  }
  if (backends.includes('db')) options.database = await sqlDatabase();
  session = createSession(text, options);
  if (options.database) await session.createCacheTables();
  state.session = session;
  state.config = text;
  state.history = [];
  state.series = [];
  state.views = new Map();
  $('history').replaceChildren();
  $('trace-text').value = '';
  $('download').hidden = true;
  $('export-notes').textContent = '';
  fillAliases();
  await refresh();
  setStatus(`Session ready: ${session.aliases.length} alias${session.aliases.length === 1 ? '' : 'es'} (${session.aliases.join(', ')}).`);
  return true;
}

function fillAliases() {
  if (state.target === 'worker') return;
  const select = $('op-alias');
  select.replaceChildren(...state.session.aliases.map((alias) => el('option', { value: alias }, alias)));
}

// ----- running operations -----

/** Queues one operation: `{ line }` (a console line) or `{ op }` (a trace operation's JSON). */
function enqueue(item) {
  const run = state.queue.then(() => runItem(item));
  state.queue = run.catch(() => {});
  return run;
}

async function runItem({ line, op, target = state.target }) {
  if (target === 'worker') return runRemote({ line, op });
  const session = state.session;
  if (!session) return;
  if (op === undefined) {
    op = parseCommand(line);
    if (op === undefined) return;
  }
  const before = new Map([...state.views].map(([alias, view]) => [alias, view.inspection?.stats?.culled ?? 0]));
  const result = await session.run(op);
  state.series.push(await refresh());
  const culls = [];
  const seen = new Set();
  for (const [alias, view] of state.views) {
    const i = view.inspection;
    if (!i?.lastCull || (i.stats.culled ?? 0) <= (before.get(alias) ?? 0)) continue;
    const signature = `${i.lastCull.at}|${i.lastCull.removed.join('\u0000')}`;
    if (seen.has(signature)) continue;
    seen.add(signature);
    culls.push({ alias, cull: i.lastCull });
  }
  const item = { line: line ?? null, op: result.op, result, culls };
  state.history.push(item);
  renderHistoryItem(item, state.history.length);
  if (state.target === 'local') renderStores(culls);
  renderChart();
  return result;
}

// ----- the Worker's caches (its cache API; the Worker runs the core, the page only draws) -----

function workerAliases() {
  return Object.keys(state.remote?.caches ?? {});
}

/** One request to the Worker's API: `{ status, body }`, the body parsed from JSON. */
async function workerRequest(path, body) {
  const headers = { accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.authorization = `Bearer ${token}`;
  const init = { method: body === undefined ? 'GET' : 'POST', headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = body;
  }
  let response;
  try {
    response = await fetch(new URL(path, API_BASE), init);
  } catch (error) {
    return { status: 0, body: { error: { type: 'ConnectionError', message: `the Worker did not answer: ${error.message}` } } };
  }
  try {
    return { status: response.status, body: await response.json() };
  } catch {
    return { status: response.status, body: { error: { type: 'HTTPError', message: `${response.status} ${response.statusText}: not JSON` } } };
  }
}

/** A value in the oracle's JSON encoding, written as Python would show it. */
function oracleRepr(value) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$bytes' && typeof value.$bytes === 'string') {
      return pyRepr(Uint8Array.from(value.$bytes, (c) => c.charCodeAt(0) & 0xff));
    }
    if (keys.length === 1 && keys[0] === '$tuple' && Array.isArray(value.$tuple)) {
      const items = value.$tuple.map(oracleRepr);
      return `(${items.join(', ')}${items.length === 1 ? ',' : ''})`;
    }
    if (keys.length === 1 && keys[0] === '$float') return `float('${value.$float}')`;
    return `{${keys.map((k) => `${pyRepr(k)}: ${oracleRepr(value[k])}`).join(', ')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(oracleRepr).join(', ')}]`;
  return pyRepr(value);
}

/** The Worker's GET stats result (snake_case) in the npm package's `stats()` shape. */
function fromWorkerStats(r) {
  if (!r) return undefined;
  const s = r.stampede;
  return {
    latency: { count: r.latency.count, meanMs: r.latency.mean_ms, maxMs: r.latency.max_ms },
    stampede: { computed: s.computed, coalesced: s.coalesced, staleServed: s.stale_served, lockWaits: s.lock_waits },
  };
}

/** The Worker's inspection (snake_case JSON) in the shape the tables draw. */
function fromWorkerInspection(i) {
  const cull = i.last_cull;
  return {
    count: i.count,
    order: i.order,
    now: i.now,
    entries: i.entries.map((e) => ({ key: e.key, value: { $oracle: e.value }, ttl: e.ttl })),
    stats: i.stats,
    lastCull: cull && {
      at: cull.at,
      removed: cull.removed,
      reason: cull.reason.kind === 'clear_all' ? 'clear-all' : cull.reason.kind,
      count: cull.reason.count,
      maxEntries: cull.reason.max_entries,
      cullFrequency: cull.reason.cull_frequency,
    },
  };
}

/** Re-reads every Worker alias with GET api/caches/<alias>/inspect. */
async function refreshRemote() {
  const views = new Map();
  for (const alias of workerAliases()) {
    const info = state.remote.caches[alias];
    const backend = `${info?.backend ?? '?'} on the Worker`;
    const { status, body } = await workerRequest(`api/caches/${encodeURIComponent(alias)}/inspect`);
    if (status === 200 && body && !body.error) {
      const stats = await workerRequest(`api/caches/${encodeURIComponent(alias)}/stats`);
      views.set(alias, { backend, inspection: fromWorkerInspection(body), stats: fromWorkerStats(stats.body?.result) });
    } else {
      const error = body?.error ?? {};
      views.set(alias, { backend, error: { name: error.type ?? 'Error', message: error.message ?? `HTTP ${status}` } });
    }
  }
  state.remoteViews = views;
  if (state.target === 'worker') renderStores([]);
}

/** One operation on a Worker alias: the core's console parses the line, the Worker runs it. */
async function runRemote({ line, op }) {
  if (op === undefined) {
    op = parseCommand(line);
    if (op === undefined) return;
  }
  const text = typeof op === 'string' ? op : JSON.stringify(op);
  const parsed = JSON.parse(text);
  const alias = parsed.cache ?? 'default';
  const before = new Map([...state.remoteViews].map(([a, view]) => [a, view.inspection?.stats?.culled ?? 0]));
  const { status, body } = await workerRequest(`api/caches/${encodeURIComponent(alias)}/${encodeURIComponent(parsed.op)}`, text);
  const error = body?.error ?? (status === 200 ? null : { type: 'HTTPError', message: `HTTP ${status}` });
  const result = {
    op: text,
    alias,
    keys: [],
    warnings: body?.warnings ?? [],
    error,
    repr: error ? null : oracleRepr(body.result),
  };
  await refreshRemote();
  const culls = [];
  for (const [a, view] of state.remoteViews) {
    const i = view.inspection;
    if (i?.lastCull && (i.stats.culled ?? 0) > (before.get(a) ?? 0)) culls.push({ alias: a, cull: i.lastCull });
  }
  const item = { line: line ?? null, op: text, result, culls, remote: true };
  state.history.push(item);
  renderHistoryItem(item, state.history.length);
  renderStores(culls);
  return result;
}

function fillWorkerPanel() {
  if (!state.remote) return;
  $('worker-panel').hidden = false;
  $('api-token').value = sessionStorage.getItem(TOKEN_KEY) ?? '';
  const aliases = workerAliases().map((a) => `${a} (${state.remote.caches[a]?.backend ?? '?'})`);
  $('worker-note').textContent = `The Worker at ${new URL('api/', API_BASE).href} answered GET api/config: its caches are ${aliases.join(', ') || 'none'}${state.remote.auth ? '; its API needs the token' : ''}. With the Worker as target, console lines and forms run there (@alias picks one of its aliases) and the tables show its stores.`;
}

async function setTarget(target) {
  state.target = target === 'worker' && state.remote ? 'worker' : 'local';
  $('target').value = state.target;
  if (state.target === 'worker') {
    const select = $('op-alias');
    select.replaceChildren(...workerAliases().map((alias) => el('option', { value: alias }, alias)));
    await refreshRemote();
  } else {
    if (state.session) fillAliases();
    renderStores([]);
  }
  updateForm();
  setStatus(state.target === 'worker'
    ? `Target: the Worker's caches (${workerAliases().join(', ')}).`
    : `Target: this page's session (${state.session?.aliases.join(', ') ?? ''}).`);
}

/** Re-reads every alias with `inspect()`; returns each one's entry count and hit rate. */
async function refresh() {
  const session = state.session;
  const sample = {};
  for (const alias of session.aliases) {
    let view;
    try {
      const backend = session.backend(alias);
      view = { backend, inspection: await session.inspect(alias), stats: await session.stats(alias) };
      const { hits, misses } = view.inspection.stats;
      sample[alias] = { count: view.inspection.count, hitRate: hits + misses ? hits / (hits + misses) : null };
    } catch (error) {
      view = { error };
    }
    state.views.set(alias, view);
  }
  $('clock').textContent = clockText(session.now);
  if (state.target === 'local') renderStores([]);
  return sample;
}

function clockText(now) {
  const iso = new Date(now * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return `+${seconds(now - ORACLE_START)} — ${iso} (${now})`;
}

function cullReason(cull) {
  if (cull.reason === 'clear-all') {
    return `${cull.count} entries ≥ MAX_ENTRIES ${cull.maxEntries} and CULL_FREQUENCY 0: the whole store is cleared`;
  }
  return `${cull.count} entries ≥ MAX_ENTRIES ${cull.maxEntries}, so ${cull.count} // CULL_FREQUENCY ${cull.cullFrequency} = ${Math.floor(cull.count / cull.cullFrequency)} go`;
}

function renderHistoryItem(item, n) {
  const { result } = item;
  const shown = item.line ?? result.op;
  const li = el('li', { class: result.error ? 'op failed' : 'op', 'data-n': n },
    el('div', { class: 'line' }, el('code', {}, `>>> ${shown}`),
      item.remote ? el('span', { class: 'badge worker' }, 'Worker') : null,
      result.alias !== 'default' ? el('span', { class: 'badge' }, result.alias) : null),
    result.keys.length ? el('div', { class: 'keys' }, result.keys.length === 1 ? 'key ' : 'keys ', result.keys.map((k, i) => [i ? ', ' : '', el('code', { class: 'full-key' }, k)])) : null,
    result.warnings.map((w) => el('div', { class: 'warning' }, el('strong', {}, `${w.category}: `), w.message)),
    item.culls.map(({ alias, cull }) => el('div', { class: 'cull-note' }, el('strong', {}, `culled ${cull.removed.length}`), ` from ${alias}'s store (${cullReason(cull)}): `, cull.removed.map((k, i) => [i ? ', ' : '', el('code', {}, k)]))),
    result.error
      ? el('div', { class: 'error' }, el('strong', {}, `${result.error.type}: `), result.error.message)
      : el('div', { class: 'result' }, el('code', {}, result.repr)),
  );
  $('history').prepend(li);
}

function renderStores(culls) {
  const container = $('stores');
  const fresh = new Map(culls.map(({ alias, cull }) => [alias, cull]));
  const cards = [];
  const views = state.target === 'worker' ? state.remoteViews : state.views;
  for (const [alias, view] of views) {
    const heading = el('h3', {}, alias, view.backend ? el('span', { class: 'backend' }, ` — ${view.backend}`) : null);
    if (view.error) {
      cards.push(el('article', { class: 'store unavailable', 'aria-label': `alias ${alias}` }, heading,
        el('p', {}, el('strong', {}, 'Unavailable here: '), `${view.error.name}: ${view.error.message}`),
        el('p', { class: 'help' }, state.target === 'worker'
          ? `The Worker's answer to GET api/caches/${alias}/inspect${view.error.name === 'PermissionDenied' ? ': paste its API token above' : ''}.`
          : remoteNote())));
      continue;
    }
    const i = view.inspection;
    const { hits, misses, sets, deletes, culled } = i.stats;
    const rate = hits + misses ? `${Math.round((hits / (hits + misses)) * 100)}%` : '—';
    const counters = el('dl', { class: 'counters' },
      [['entries', i.count], ['hits', hits], ['misses', misses], ['hit rate', rate], ['sets', sets], ['deletes', deletes], ['culled', culled]]
        .map(([name, value]) => el('div', {}, el('dt', {}, name), el('dd', { 'data-counter': name }, String(value)))));
    const order = i.order === 'most-recently-used first'
      ? 'most recently used first: the last row is culled next'
      : i.order ? `ordered by ${i.order}` : 'unordered';
    const rows = i.entries.map((entry, n) => el('tr', { class: entry.ttl !== null && entry.ttl <= 0 ? 'expired' : undefined },
      el('td', { class: 'num' }, String(n + 1)),
      el('td', {}, el('code', { class: 'full-key' }, entry.key)),
      el('td', {}, el('code', {}, entry.value && typeof entry.value === 'object' && '$oracle' in entry.value ? oracleRepr(entry.value.$oracle) : pyRepr(entry.value))),
      el('td', { class: 'num ttl' }, entry.ttl === null ? 'never' : entry.ttl <= 0 ? `expired (${seconds(entry.ttl)})` : seconds(entry.ttl)),
    ));
    const cull = fresh.get(alias);
    const culledRows = cull ? cull.removed.map((key) => el('tr', { class: 'culled' },
      el('td', { class: 'num' }, '✕'),
      el('td', {}, el('code', { class: 'full-key' }, key)),
      el('td', { colspan: '2' }, 'culled by the last write'),
    )) : [];
    const table = el('table', { class: 'entries' },
      el('caption', {}, `${alias}: ${i.count} entr${i.count === 1 ? 'y' : 'ies'}, ${order}`),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, '#'), el('th', { scope: 'col' }, 'full key'), el('th', { scope: 'col' }, 'value'), el('th', { scope: 'col' }, 'time to live'))),
      el('tbody', {}, rows, culledRows),
    );
    const lastCull = i.lastCull
      ? el('p', { class: cull ? 'cull-note fresh' : 'cull-note' }, el('strong', {}, cull ? 'Culled by the last write: ' : 'Last cull: '), cullReason(i.lastCull), ' — ', i.lastCull.removed.map((k, n) => [n ? ', ' : '', el('code', {}, k)]))
      : null;
    cards.push(el('article', { class: 'store', 'aria-label': `alias ${alias}`, 'data-alias': alias }, heading, counters, lastCull, table));
  }
  container.replaceChildren(...cards);
}

function remoteNote() {
  if (state.remote) {
    return `The edgecache Worker answered GET api/config: choose "the Worker's caches" as the target (Console) to run its aliases${workerAliases().length ? ` (${workerAliases().join(', ')})` : ''} through its cache API; redis and memcached cannot run in the page.`;
  }
  return 'redis and memcached need a server: served by the edgecache Worker, the page reaches them through its cache API (detected with GET api/config, which did not answer here).';
}

// ----- the chart -----

const COLORS = ['#0b5cad', '#9c2f00', '#1b6e2b', '#6b3fa0', '#8a6d00'];

function renderChart() {
  const chart = $('chart');
  const series = state.series;
  if (!series.length) {
    chart.replaceChildren(el('p', { class: 'help' }, 'Run some operations to see the entry count and hit rate of each alias.'));
    return;
  }
  const aliases = [...state.views.keys()].filter((a) => !state.views.get(a).error);
  const width = 520;
  const height = 160;
  const pad = 28;
  const maxCount = Math.max(1, ...series.flatMap((s) => aliases.map((a) => s[a]?.count ?? 0)));
  const x = (n) => pad + (series.length === 1 ? 0 : (n * (width - 2 * pad)) / (series.length - 1));
  const yCount = (c) => height - pad - (c * (height - 2 * pad)) / maxCount;
  const yRate = (r) => height - pad - r * (height - 2 * pad);
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  const last = series[series.length - 1];
  svg.setAttribute('aria-label', `After ${series.length} operations: ${aliases.map((a) => `${a} ${last[a]?.count ?? 0} entries, hit rate ${last[a]?.hitRate === null || last[a] === undefined ? 'none yet' : `${Math.round(last[a].hitRate * 100)}%`}`).join('; ')}`);
  const add = (tag, attrs) => {
    const node = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    svg.append(node);
    return node;
  };
  add('line', { x1: pad, y1: height - pad, x2: width - pad, y2: height - pad, stroke: '#555' });
  add('line', { x1: pad, y1: pad, x2: pad, y2: height - pad, stroke: '#555' });
  add('text', { x: 2, y: pad + 4, 'font-size': 10, fill: '#333' }).textContent = String(maxCount);
  add('text', { x: width - pad + 2, y: pad + 4, 'font-size': 10, fill: '#333' }).textContent = '100%';
  add('text', { x: pad, y: height - 8, 'font-size': 10, fill: '#333' }).textContent = 'operations →';
  aliases.forEach((alias, k) => {
    const color = COLORS[k % COLORS.length];
    const counts = series.map((s, n) => `${x(n)},${yCount(s[alias]?.count ?? 0)}`).join(' ');
    add('polyline', { points: counts, fill: 'none', stroke: color, 'stroke-width': 2 });
    const rates = series.map((s, n) => (s[alias]?.hitRate === null || s[alias] === undefined ? null : `${x(n)},${yRate(s[alias].hitRate)}`)).filter(Boolean).join(' ');
    if (rates) add('polyline', { points: rates, fill: 'none', stroke: color, 'stroke-width': 1.5, 'stroke-dasharray': '4 3' });
  });
  const legend = el('ul', { class: 'legend' }, aliases.map((alias, k) => el('li', {}, el('span', { class: 'swatch', style: `background:${COLORS[k % COLORS.length]}` }), `${alias}: entries (solid), hit rate (dashed)`)));
  chart.replaceChildren(svg, legend, statsTable(state.target === 'worker' ? state.remoteViews : state.views));
}

/** Each alias's `stats()`: latency of operations that awaited storage, stampede figures. */
function statsTable(views) {
  const columns = [
    ['awaited ops', (s) => s.latency.count],
    ['mean ms', (s) => s.latency.meanMs.toFixed(2)],
    ['max ms', (s) => s.latency.maxMs.toFixed(2)],
    ['get_or_set computed', (s) => s.stampede.computed],
    ['coalesced', (s) => s.stampede.coalesced],
    ['stale served', (s) => s.stampede.staleServed],
  ];
  const rows = [...views].filter(([, view]) => view.stats).map(([alias, view]) => el('tr', { 'data-alias': alias },
    el('th', { scope: 'row' }, alias),
    columns.map(([name, get]) => el('td', { class: 'num', 'data-stat': name }, String(get(view.stats))))));
  return el('table', { class: 'stats', id: 'stats-table' },
    el('caption', {}, 'stats(): operations that awaited storage (on the virtual clock they take 0 ms) and stampede protection (docs/stats.md)'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'alias'), columns.map(([name]) => el('th', { scope: 'col' }, name)))),
    el('tbody', {}, rows));
}

// ----- the operation forms -----

const FORM_FIELDS = {
  get: ['key'], aget: ['key'], set: ['key', 'value', 'timeout'], aset: ['key', 'value', 'timeout'],
  add: ['key', 'value', 'timeout'], get_or_set: ['key', 'value', 'timeout'], delete: ['key'],
  has_key: ['key'], ahas_key: ['key'], touch: ['key', 'timeout'], incr: ['key', 'delta'], decr: ['key', 'delta'],
  aincr: ['key', 'delta'], incr_version: ['key', 'delta'], decr_version: ['key', 'delta'],
  get_many: ['keys'], delete_many: ['keys'], set_many: ['data', 'timeout'], make_key: ['key'], clear: [],
};

/** The console line the form stands for (the console's parser reads it, as if typed). */
function formLine() {
  const name = $('op-name').value;
  const fields = FORM_FIELDS[name] ?? [];
  const word = (id) => $(id).value.trim();
  const parts = [];
  const alias = $('op-alias').value;
  if (alias && alias !== 'default') parts.push(`@${alias}`);
  parts.push(name);
  if (fields.includes('key')) parts.push(word('op-key') || "''");
  if (fields.includes('keys')) parts.push(word('op-keys'));
  if (fields.includes('data')) parts.push(word('op-data') || '{}');
  if (fields.includes('value')) parts.push(word('op-value') || 'None');
  if (fields.includes('delta') && word('op-delta')) parts.push(word('op-delta'));
  if (fields.includes('timeout') && word('op-timeout')) parts.push(`timeout=${word('op-timeout')}`);
  if (word('op-version') && name !== 'clear') parts.push(`version=${word('op-version')}`);
  return parts.filter(Boolean).join(' ');
}

function updateForm() {
  const fields = FORM_FIELDS[$('op-name').value] ?? [];
  for (const node of document.querySelectorAll('#op-form [data-for]')) {
    node.hidden = !fields.includes(node.dataset.for);
  }
  $('op-line').textContent = formLine();
}

// ----- sharing -----

function sessionItems() {
  return state.history.filter((item) => !item.remote).map((item) => (item.line !== null ? item.line : { op: item.op }));
}

function shareLink() {
  const payload = JSON.stringify({ v: 1, c: state.config, h: sessionItems() });
  const url = new URL(location.href);
  url.hash = `s=${base64url(payload)}`;
  history.replaceState(null, '', url);
  return url.href;
}

async function loadShared(hash) {
  const match = /^#s=([A-Za-z0-9_-]+)$/.exec(hash);
  if (!match) return false;
  let payload;
  try {
    payload = JSON.parse(unbase64url(match[1]));
  } catch {
    setStatus('The link holds no readable session.');
    return false;
  }
  $('config').value = payload.c ?? '';
  renderGutter();
  if (!(await applyConfig())) return true;
  for (const item of payload.h ?? []) {
    await enqueue(typeof item === 'string' ? { line: item } : { op: item.op });
  }
  setStatus(`Loaded a shared session: ${state.history.length} operations replayed.`);
  return true;
}

function doExport() {
  const ops = state.history.filter((item) => !item.remote).map((item) => item.op);
  const { trace, notes } = exportTrace(state.config, 'playground', ops);
  $('trace-text').value = trace;
  const link = $('download');
  if (link.href) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([trace], { type: 'application/json' }));
  link.hidden = false;
  $('export-notes').textContent = notes.length
    ? `Exported ${ops.length} operations. Note: ${notes.join('; ')}.`
    : `Exported ${ops.length} operations: run it with Django's cache (the oracle) to compare.`;
}

async function doImport(text) {
  let imported;
  try {
    imported = importTrace(text);
  } catch (error) {
    $('export-notes').textContent = `Cannot import: ${error.message}`;
    return;
  }
  $('config').value = imported.caches;
  renderGutter();
  if (!(await applyConfig())) return;
  for (const op of imported.ops) await enqueue({ op });
  $('export-notes').textContent = `Imported trace '${imported.name}' on ${imported.backend}: ${imported.ops.length} operations run.`;
}

// ----- wiring -----

async function detectWorker() {
  try {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 1500);
    const response = await fetch(new URL('api/config', API_BASE), { signal: controller.signal, headers: { accept: 'application/json' } });
    clearTimeout(timer);
    if (response.ok && (response.headers.get('content-type') ?? '').includes('json')) {
      state.remote = await response.json();
    }
  } catch {
    state.remote = null;
  }
}

function wire() {
  document.querySelector('.skip').addEventListener('click', (event) => {
    event.preventDefault();
    $('console-input').focus();
  });
  const examples = $('examples');
  for (const example of EXAMPLES) {
    const button = el('button', { type: 'button', class: 'chip', 'data-example': example.id }, example.title);
    button.addEventListener('click', async () => {
      $('config').value = example.caches;
      renderGutter();
      if (await applyConfig()) {
        for (const line of example.lines) await enqueue({ line });
      }
    });
    examples.append(button);
  }
  $('config').addEventListener('input', () => renderGutter());
  $('config').addEventListener('scroll', () => {
    $('gutter').scrollTop = $('config').scrollTop;
    positionMarker();
  });
  $('config').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      applyConfig();
    }
  });
  $('apply').addEventListener('click', () => applyConfig());
  $('target').addEventListener('change', (event) => setTarget(event.target.value));
  $('api-token').addEventListener('change', async (event) => {
    const token = event.target.value.trim();
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
    if (state.target === 'worker') await refreshRemote();
  });
  $('console-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = $('console-input');
    const line = input.value;
    $('console-error').textContent = '';
    if (line.trim() === 'help') {
      $('console-help').parentElement.open = true;
      input.value = '';
      return;
    }
    try {
      if (parseCommand(line) === undefined) return;
    } catch (error) {
      $('console-error').textContent = `Cannot read that line: ${error.message}`;
      return;
    }
    input.value = '';
    state.recall = -1;
    await enqueue({ line });
  });
  $('console-input').addEventListener('keydown', (event) => {
    const lines = state.history.map((h) => h.line).filter((l) => l !== null);
    if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      if (!lines.length) return;
      event.preventDefault();
      state.recall = event.key === 'ArrowUp'
        ? Math.min(lines.length - 1, state.recall + 1)
        : Math.max(-1, state.recall - 1);
      event.target.value = state.recall < 0 ? '' : lines[lines.length - 1 - state.recall];
    }
  });
  for (const button of document.querySelectorAll('[data-advance]')) {
    button.addEventListener('click', () => enqueue({ line: `advance ${button.dataset.advance}` }));
  }
  $('op-form').addEventListener('input', updateForm);
  $('op-form').addEventListener('change', updateForm);
  $('op-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const line = formLine();
    try {
      parseCommand(line);
    } catch (error) {
      $('op-line').textContent = `${line} — ${error.message}`;
      return;
    }
    await enqueue({ line });
  });
  $('share').addEventListener('click', async () => {
    const link = shareLink();
    try {
      await navigator.clipboard.writeText(link);
      $('share-status').textContent = 'Link copied: it holds the settings and every operation.';
    } catch {
      $('share-status').textContent = `Link (in the address bar too): ${link}`;
    }
  });
  $('export').addEventListener('click', doExport);
  $('import').addEventListener('click', () => doImport($('trace-text').value));
  $('import-file').addEventListener('change', async (event) => {
    const file = event.target.files?.[0];
    if (file) {
      $('trace-text').value = await file.text();
      await doImport($('trace-text').value);
    }
  });
}

async function main() {
  $('console-help').textContent = consoleHelp();
  wire();
  updateForm();
  renderChart();
  await detectWorker();
  fillWorkerPanel();
  if (!(await loadShared(location.hash))) {
    const example = EXAMPLES[0];
    $('config').value = example.caches;
    renderGutter();
    if (await applyConfig()) {
      for (const line of example.lines) await enqueue({ line });
    }
  }
  document.body.dataset.ready = 'true';
  if ('serviceWorker' in navigator && location.protocol.startsWith('http')) {
    navigator.serviceWorker.register('sw.js').catch(() => {});
  }
}

// For the browser tests and the curious: the page's state and its way of running commands.
window.playground = { state, enqueue, applyConfig, doExport, doImport, setTarget };

main().catch((error) => {
  setStatus(`The playground could not start: ${error.message}`, true);
  console.error(error);
});
