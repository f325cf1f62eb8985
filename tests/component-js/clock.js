// The component's `edgecache:cache/clock` import: a clock the tests move by hand.
let current = 1_700_000_000;

/** Seconds since the Unix epoch (what the component reads). */
export function now() {
  return current;
}

/** Moves the clock forward by `seconds`. */
export function advance(seconds) {
  current += seconds;
}
