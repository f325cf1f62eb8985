// The db backend through the package's D1-shaped `database` binding, on a real SQLite
// compiled to WebAssembly (sql.js, wrapped in D1's shape by the playground's www/sqljs-d1.js):
// Django's table and row format, culling, and every db conformance trace replayed through a
// console session (createSession + importTrace), compared with Django's results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import initSqlJs from 'sql.js';
import { createCaches, createSession, importTrace, exportTrace, parseCommand, ImproperlyConfigured } from 'edgecache';
import { SqlJsD1 } from '../../www/sqljs-d1.js';
import { MemoryKv } from './support/memory-kv.mjs';
import { parse } from './support/json.mjs';
import { diffResults } from './support/compare.mjs';

const SQL = await initSqlJs();
const ORACLE_START = 1_700_000_000;

const DB_CACHES = `CACHES = {
    'default': {
        'BACKEND': 'django.core.cache.backends.db.DatabaseCache',
        'LOCATION': 'my_cache_table',
        'OPTIONS': {'MAX_ENTRIES': 3, 'CULL_FREQUENCY': 2},
    },
}`;

test('createCacheTables makes Django\'s table once; rows hold Django\'s format', async () => {
  const database = new SqlJsD1(new SQL.Database());
  let now = ORACLE_START;
  const caches = createCaches(DB_CACHES, { database, clock: () => now });
  assert.deepEqual(await caches.createCacheTables(), [{ table: 'my_cache_table', created: true }]);
  assert.deepEqual(await caches.createCacheTables(), [{ table: 'my_cache_table', created: false }]);
  const cache = caches.default;
  assert.equal(cache.sync, undefined, 'db has no synchronous face');
  await cache.set('greeting', 'hello', { timeout: 30 });
  assert.equal(await cache.get('greeting'), 'hello');
  assert.equal(await cache.incr('n', 1).catch((e) => e.message), "Key 'n' not found");
  await cache.set('n', 41, { timeout: null });
  assert.equal(await cache.incr('n'), 42);
  const rows = database.database.exec('SELECT cache_key, value, expires FROM my_cache_table ORDER BY cache_key')[0].values;
  assert.deepEqual(rows.map((r) => [r[0], r[2]]), [
    [':1:greeting', '2023-11-14 22:13:50'],
    // BaseCache.incr is get + set: the row gets the default TIMEOUT (300 s) again.
    [':1:n', '2023-11-14 22:18:20'],
  ]);
  // base64(pickle protocol 5 of 'hello'), as Django writes it.
  assert.equal(rows[0][1], 'gAWVCQAAAAAAAACMBWhlbGxvlC4=');
  // db: a row is expired once `expires` < now (whole seconds), so at +30 s it still answers.
  now += 30;
  assert.equal(await cache.get('greeting'), 'hello');
  now += 1;
  assert.equal(await cache.get('greeting'), undefined);
  const inspection = await cache.inspect();
  assert.equal(inspection.order, 'key ascending');
});

test('the db backend culls through the binding: expired rows first, then the smallest keys', async () => {
  const database = new SqlJsD1(new SQL.Database());
  const session = createSession(DB_CACHES, { database });
  await session.createCacheTables();
  for (const line of ['set b 2 5', 'set a 1', 'set c 3', 'advance 10', 'set d 4', 'set e 5']) {
    const result = await session.runLine(line);
    assert.equal(result.error, null, line);
  }
  // set e found 4 rows > MAX_ENTRIES 3: the expired b went first, leaving 3, so no more.
  const inspection = await session.inspect();
  assert.deepEqual(inspection.entries.map((e) => e.key), [':1:a', ':1:c', ':1:d', ':1:e']);
  for (const line of ['set f 6']) await session.runLine(line);
  // 4 rows > 3, none expired: 4 // CULL_FREQUENCY 2 = 2 rows go, the smallest keys first.
  assert.deepEqual((await session.inspect()).entries.map((e) => e.key), [':1:d', ':1:e', ':1:f']);
});

test('a binding whose statements fail gives DatabaseError', async () => {
  const broken = {
    prepare() {
      return { bind: () => this.prepare(), all: async () => { throw new Error('disk I/O error'); }, run: async () => { throw new Error('disk I/O error'); } };
    },
    batch: async () => { throw new Error('disk I/O error'); },
  };
  const caches = createCaches(DB_CACHES, { database: broken });
  await assert.rejects(caches.default.get('k'), (e) => e.name === 'DatabaseError' && /disk I\/O error/.test(e.message));
});

test('without a database a db alias says what to pass', async () => {
  const caches = createCaches(DB_CACHES);
  await assert.rejects(caches.createCacheTables(), /database/);
});

test('settings errors name alias, field, value and line', () => {
  const text = `CACHES = {
    'default': {
        'BACKEND': 'django.core.cache.backends.locmem.LocMemCache',
        'OPTIONS': {'MAX_ENTRIES': 3},
    },
    'other': {
        'BACKEND': 'django.core.cache.backends.locmem.LocMemCach',
    },
}`;
  assert.throws(() => createSession(text), (e) => {
    assert.ok(e instanceof ImproperlyConfigured);
    assert.deepEqual([e.alias, e.field, e.line], ['other', 'BACKEND', 7]);
    assert.equal(e.value, "'django.core.cache.backends.locmem.LocMemCach'");
    return true;
  });
  assert.throws(() => createSession("{'default': {'BACKEND': 'locmem',,}}"), (e) => e.line === 1 && e.alias === null);
});

test('console lines become trace operations, run by the core', async () => {
  const session = createSession({ default: { BACKEND: 'locmem', TIMEOUT: 60, KEY_PREFIX: 'p' } });
  assert.equal(parseCommand('  # a comment'), undefined);
  assert.throws(() => parseCommand("set k 'open"), SyntaxError);
  assert.deepEqual(JSON.parse(parseCommand("set k (1, 2.0) timeout=5")), {
    op: 'set', args: ['k', { $tuple: [1, 2] }], kwargs: { timeout: 5 },
  });
  const set = await session.runLine("set 'a b' 1 30");
  assert.deepEqual(set.keys, ['p:1:a b']);
  assert.equal(set.repr, 'None');
  assert.equal(set.warnings[0].category, 'CacheKeyWarning');
  const missing = await session.runLine('incr nope');
  assert.deepEqual(missing.error, { type: 'ValueError', message: "Key 'p:1:nope' not found" });
  assert.equal(JSON.parse(missing.entry).error.type, 'ValueError');
  await session.runLine('advance 30');
  assert.equal(session.now, ORACLE_START + 30);
  assert.equal((await session.runLine("get 'a b' gone")).repr, "'gone'");
  const { trace, notes } = exportTrace({ default: { BACKEND: 'locmem', KEY_PREFIX: 'p' } }, 't', [set.op]);
  assert.deepEqual(notes, []);
  assert.equal(parse(trace).ops[0].op, 'set');
});

const root = new URL('../conformance/', import.meta.url);
const traces = readdirSync(new URL('traces/', root)).filter((f) => f.endsWith('.json')).sort();

for (const backend of ['db', 'filebased', 'locmem']) {
  for (const file of traces) {
    const expectedPath = new URL(`expected/${backend}/${file}`, root);
    if (!existsSync(expectedPath)) continue;
    const text = readFileSync(new URL(`traces/${file}`, root), 'utf8');
    const imported = importTrace(text, backend);
    const http = imported.ops.some((op) => ['request', 'learn_cache_key', 'get_cache_key', 'patch_cache_control', 'patch_vary_headers', 'has_vary_header', 'get_max_age', 'patch_response_headers', 'add_never_cache_headers', 'make_template_fragment_key'].includes(JSON.parse(op).op));
    // HTTP operations are not part of a console session (tests/js/conformance.test.mjs
    // replays those traces through caches.http()).
    if (http) continue;
    const name = `session replay: ${backend} ${file.replace(/\.json$/, '')}`;
    test(name, async () => {
      const options = backend === 'db'
        ? { database: new SqlJsD1(new SQL.Database()) }
        : { stores: { filecache: new MemoryKv() } };
      const session = createSession(imported.caches, options);
      await session.createCacheTables();
      const results = [];
      for (const op of imported.ops) results.push(parse((await session.run(op)).entry));
      const expected = parse(readFileSync(expectedPath, 'utf8'));
      const problems = diffResults(expected, { results });
      assert.deepEqual(problems.slice(0, 10), [], `${problems.length} mismatches`);
    });
  }
}
