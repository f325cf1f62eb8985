// sql.js (SQLite compiled to WebAssembly) in the shape of a Cloudflare D1 binding, so the
// db backend runs on it exactly as it runs on D1: `prepare(sql).bind(...params)` with
// `all()`, `run()`, `first()`, `raw()`, and `batch([statements])` in one transaction.
// Plain ESM with no DOM: the page and the node tests (tests/js/sql.test.mjs) both use it.

/** A D1-shaped database over a sql.js `Database`. */
export class SqlJsD1 {
  #db;
  /** `db` is a sql.js `Database` (`new SQL.Database()`). */
  constructor(db) {
    this.#db = db;
  }
  /** The sql.js database underneath (to export or inspect it). */
  get database() {
    return this.#db;
  }
  prepare(sql) {
    return new SqlJsStatement(this.#db, String(sql), []);
  }
  /** Runs `statements` in one transaction: all of them or none. */
  async batch(statements) {
    this.#db.run('BEGIN');
    try {
      const results = statements.map((statement) => statement.runNow());
      this.#db.run('COMMIT');
      return results;
    } catch (error) {
      this.#db.run('ROLLBACK');
      throw error;
    }
  }
  /** D1's `exec`: statements separated by `;`, no parameters. */
  async exec(sql) {
    this.#db.exec(String(sql));
    return { count: 1, duration: 0 };
  }
}

/** A prepared statement with its bound parameters (D1's `D1PreparedStatement`). */
class SqlJsStatement {
  #db;
  #sql;
  #params;
  constructor(db, sql, params) {
    this.#db = db;
    this.#sql = sql;
    this.#params = params;
  }
  /** A copy of the statement with `params` bound to its `?` placeholders. */
  bind(...params) {
    return new SqlJsStatement(this.#db, this.#sql, params.map(bindable));
  }
  /** The rows as objects, keyed by column name in the SELECT's order. */
  rowsNow() {
    const statement = this.#db.prepare(this.#sql);
    try {
      if (this.#params.length) statement.bind(this.#params);
      const rows = [];
      while (statement.step()) rows.push(statement.getAsObject());
      return rows;
    } finally {
      statement.free();
    }
  }
  /** Runs the statement; D1's result with `meta.changes`. */
  runNow() {
    this.#db.run(this.#sql, this.#params.length ? this.#params : undefined);
    const changes = this.#db.getRowsModified();
    return { success: true, results: [], meta: { changes, rows_written: changes } };
  }
  async all() {
    return { success: true, results: this.rowsNow(), meta: { changes: 0 } };
  }
  async run() {
    return this.runNow();
  }
  async first(column) {
    const row = this.rowsNow()[0];
    if (row === undefined) return null;
    return column === undefined ? row : row[column] ?? null;
  }
  async raw() {
    return this.rowsNow().map((row) => Object.values(row));
  }
}

/** A parameter as sql.js binds it (D1 takes the same kinds). */
function bindable(value) {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return value;
}
