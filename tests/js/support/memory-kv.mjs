// An in-memory store with the Workers KV binding's shape (get/put/delete/list), for tests.
export class MemoryKv {
  #entries = new Map();

  async get(key, options) {
    const entry = this.#entries.get(key);
    if (entry === undefined) return null;
    const type = typeof options === 'string' ? options : options?.type ?? 'text';
    if (type === 'arrayBuffer') return entry.value.slice().buffer;
    return new TextDecoder().decode(entry.value);
  }

  async put(key, value, options = {}) {
    const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : new Uint8Array(value);
    this.#entries.set(key, { value: bytes.slice(), metadata: options.metadata ?? null });
  }

  async delete(key) {
    this.#entries.delete(key);
  }

  async list({ prefix = '', cursor, limit = 1000 } = {}) {
    const names = [...this.#entries.keys()].filter((k) => k.startsWith(prefix)).sort();
    const start = cursor ? Number(cursor) : 0;
    const page = names.slice(start, start + limit);
    const complete = start + limit >= names.length;
    return {
      keys: page.map((name) => ({ name, metadata: this.#entries.get(name).metadata })),
      list_complete: complete,
      ...(complete ? {} : { cursor: String(start + limit) }),
    };
  }
}
