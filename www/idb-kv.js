// Browser storage for the filebased backend: IndexedDB in the shape of a Workers KV binding
// (`get(key, {type: "arrayBuffer"})`, `put(key, bytes, {metadata})`, `delete(key)`,
// `list({prefix, cursor})`), one namespace per `LOCATION`. The core writes Django's own
// entry bytes (pickled expiry + zlib'd pickle) and judges expiry itself on the page's virtual
// clock, so KV's real-time `expirationTtl` is not applied here.

const STORE = 'entries';

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Opens (or creates) the IndexedDB database `name`; its `namespace(location)` is a KV binding. */
export async function openIdbKv(name = 'edgecache-playground') {
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  const db = await request(open);
  return new IdbStores(db);
}

class IdbStores {
  #db;
  constructor(db) {
    this.#db = db;
  }
  /** The KV binding of one `LOCATION`. */
  namespace(location) {
    return new IdbKv(this.#db, String(location));
  }
  /** Removes every entry of every location (a fresh session starts from empty directories). */
  async clearAll() {
    const tx = this.#db.transaction(STORE, 'readwrite');
    await request(tx.objectStore(STORE).clear());
  }
  /** Removes every entry of `location`. */
  async clear(location) {
    const tx = this.#db.transaction(STORE, 'readwrite');
    const range = IDBKeyRange.bound([location, ''], [location, '\uffff']);
    await request(tx.objectStore(STORE).delete(range));
  }
}

class IdbKv {
  #db;
  #location;
  constructor(db, location) {
    this.#db = db;
    this.#location = location;
  }
  #store(mode) {
    return this.#db.transaction(STORE, mode).objectStore(STORE);
  }
  async get(key) {
    const found = await request(this.#store('readonly').get([this.#location, key]));
    return found === undefined ? null : found.value.buffer.slice(0);
  }
  async put(key, value, options) {
    const bytes = new Uint8Array(value);
    await request(this.#store('readwrite').put({ value: bytes, metadata: options?.metadata ?? null }, [this.#location, key]));
  }
  async delete(key) {
    await request(this.#store('readwrite').delete([this.#location, key]));
  }
  async list(options) {
    const prefix = options?.prefix ?? '';
    const range = IDBKeyRange.bound([this.#location, prefix], [this.#location, `${prefix}\uffff`]);
    const keys = await request(this.#store('readonly').getAllKeys(range));
    return { keys: keys.map(([, name]) => ({ name })), list_complete: true };
  }
}
