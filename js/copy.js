// Fresh deep copies of the lists and dicts the synchronous get memoizes: Django's locmem
// unpickles a new object per get, so no caller may ever hold the memo's own value.

/**
 * Where a value `JSON.parse` returned holds lists or dicts: `[]` when it holds none (a flat
 * list or dict), otherwise the key (or index) of each nested list or dict, each followed by
 * its own plan. Made once per memoized value so that each copy skips the primitives.
 */
export function copyPlan(value) {
  const plan = [];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (typeof item === 'object' && item !== null) plan.push(i, copyPlan(item));
    }
  } else {
    for (const name in value) {
      const item = value[name];
      if (typeof item === 'object' && item !== null) plan.push(name, copyPlan(item));
    }
  }
  return plan;
}

/**
 * A deep copy of a list or dict `JSON.parse` returned (plain arrays and objects, primitives),
 * following its `copyPlan`: one `slice` or object spread per list or dict (V8 copies those in
 * one step, keeping the original's shape), then the nested ones. The spread defines own
 * properties, so an own `__proto__` key stays an own property, and the assignment below then
 * writes that own property, not the prototype.
 */
export function copyJson(value, plan) {
  const copy = Array.isArray(value) ? value.slice() : { ...value };
  for (let i = 0; i < plan.length; i += 2) {
    const name = plan[i];
    copy[name] = copyJson(value[name], plan[i + 1]);
  }
  return copy;
}

// Lists and dicts with more members than this (all levels together), or whose copier's source
// would be longer than SOURCE_LIMIT characters (long keys), are copied along their plan: a
// literal that large gains little and costs a long compile.
const LITERAL_LIMIT = 64;
const SOURCE_LIMIT = 4096;
// Memo hits of a list or dict copied along its plan before the compiled copier takes over
// (tests/js/hot-path-copies.mjs reads each key more often than this, to reach both copiers).
export const COMPILE_AFTER = 64;
// Compiled copiers kept, by the shape they copy (their source); the table starts over when full.
const COPIER_LIMIT = 256;
// Calls of a newly compiled copier before its first use (V8 gives a function its feedback
// vector after about eight calls' worth of its bytecode).
const WARM_CALLS = 32;
const copiers = new Map();
// Whether `new Function` may be used; set to false for good at its first `EvalError`
// (Cloudflare Workers, pages whose Content-Security-Policy forbids `unsafe-eval`).
let codeGeneration = true;

/**
 * The source of a function `(v0) => copy of v0` for values of the shape of `value` (a list or
 * dict from `JSON.parse`): one array or object literal per list or dict, whose members are
 * read from `v0` (V8 makes a literal of a known shape in one allocation, far faster than a
 * spread or `slice`). `lines` collects one local per nested list or dict; `budget` counts the
 * members left under LITERAL_LIMIT. `undefined` when the value is larger than that.
 * Keys are embedded as JSON string literals. `__proto__` is written as a computed key
 * (`["__proto__"]: ...`), which defines an own property as `JSON.parse` does, where the plain
 * form would set the prototype.
 */
function literalOf(value, local, lines, budget) {
  const parts = [];
  const array = Array.isArray(value);
  const names = array ? undefined : Object.keys(value);
  const length = array ? value.length : names.length;
  if ((budget.left -= length) < 0) return undefined;
  for (let i = 0; i < length; i++) {
    const name = array ? i : names[i];
    const read = array ? `${local}[${i}]` : `${local}[${JSON.stringify(name)}]`;
    const item = value[name];
    let member = read;
    if (typeof item === 'object' && item !== null) {
      const inner = `v${lines.length + 1}`;
      lines.push(`const ${inner} = ${read};`);
      member = literalOf(item, inner, lines, budget);
      if (member === undefined) return undefined;
    }
    if (array) parts.push(member);
    else parts.push(`${name === '__proto__' ? '["__proto__"]' : JSON.stringify(name)}: ${member}`);
  }
  return array ? `[${parts.join(', ')}]` : `{${parts.join(', ')}}`;
}

/**
 * A function returning a fresh deep copy of a value of the shape of `value` (a list or dict
 * from `JSON.parse`, kept by the memo and never handed out) at each call, compiled once per
 * shape and shared by every value of that shape; `undefined` where code generation is
 * disallowed (then never tried again) or the value is larger than LITERAL_LIMIT or
 * SOURCE_LIMIT allow.
 */
function compiledCopierOf(value) {
  if (!codeGeneration) return undefined;
  const lines = [];
  const literal = literalOf(value, 'v0', lines, { left: LITERAL_LIMIT });
  if (literal === undefined) return undefined;
  // Strict, like this module: calling it then needs no conversion of `this`.
  const source = `'use strict';\n${lines.join('\n')}\nreturn ${literal};`;
  if (source.length > SOURCE_LIMIT) return undefined;
  let copier = copiers.get(source);
  if (copier === undefined) {
    try {
      copier = new Function('v0', source);
    } catch (error) {
      if (!(error instanceof EvalError)) throw error;
      codeGeneration = false;
      return undefined;
    }
    // A few calls now, so that V8 has given the new function its feedback vector before
    // optimized code first meets it: a caller optimized while the copier had none calls it
    // without inlining it for good (about 30 % of an object get-hit; BENCHMARKS.md, npm,
    // "Seventh cut").
    for (let i = 0; i < WARM_CALLS; i++) copier(value);
    if (copiers.size >= COPIER_LIMIT) copiers.clear();
    copiers.set(source, copier);
  }
  return copier;
}

/**
 * The memo's first copier of a list or dict: copies along the value's plan and counts the
 * copies; at the COMPILE_AFTER-th it puts the compiled copier of the value's shape (if there
 * is one) in the memo for the copies after it. So only a key that is read often pays for the
 * compiled copier (building its source, and compiling it for a shape not seen before).
 */
export function planCopy(value, memo) {
  if (--memo.uses === 0) memo.copy = compiledCopierOf(value) ?? planCopy;
  return copyJson(value, memo.plan);
}
