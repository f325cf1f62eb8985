// The edgecache Worker's entry module: hands each event to the Rust handlers that
// wasm-bindgen generated in build/ (bash worker/build.sh), and keeps a Rust panic from
// poisoning later requests. A panic aborts the WebAssembly instance mid-request; that request
// gets a JSON 500, and the instance is rebuilt (wasm-bindgen's reset-state function) before
// the next event, so no request ever runs on memory a panic left half-written. What lived in
// the instance (locmem caches) is gone after a panic; KV, D1 and Redis are not affected.
import * as wasm from './build/index.js';

const init = wasm.__worker_init_state();

// workers-rs' panic hook sets `criticalError` on this object. A panic inside an async handler
// leaves that handler's promise pending forever, so every request in flight also waits on
// this signal and fails with a JSON 500 instead of hanging.
let critical = false;
let waiting = new Set();
Object.defineProperty(init, 'criticalError', {
  get: () => critical,
  set(value) {
    critical = Boolean(value);
    if (critical) {
      const callbacks = waiting;
      waiting = new Set();
      for (const fail of callbacks) fail(new Error('the Worker panicked (see the log)'));
    }
  },
});

function recover() {
  if (critical) {
    console.log('edgecache: rebuilding the WebAssembly instance after a panic');
    wasm.__wbg_reset_state();
    critical = false;
  }
}

function noteFailure(error) {
  if (error instanceof WebAssembly.RuntimeError) critical = true;
}

/** `promise`, or a rejection as soon as a panic is reported. */
function unlessPanic(promise) {
  let fail;
  const panicked = new Promise((_, reject) => {
    fail = reject;
    waiting.add(fail);
  });
  return Promise.race([promise, panicked]).finally(() => waiting.delete(fail));
}

function internalError(error) {
  const body = JSON.stringify({
    error: { type: 'InternalError', message: String(error?.message ?? error) },
  });
  return new Response(body, {
    status: 500,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Access-Control-Allow-Origin': '*',
      'Cache-Control': 'no-store',
    },
  });
}

export default {
  async fetch(request, env, ctx) {
    recover();
    try {
      return await unlessPanic(wasm.fetch(request, env, ctx));
    } catch (error) {
      noteFailure(error);
      console.error('edgecache: request failed', error);
      return internalError(error);
    }
  },

  async scheduled(controller, env, ctx) {
    recover();
    try {
      await unlessPanic(wasm.scheduled(controller, env, ctx));
    } catch (error) {
      noteFailure(error);
      throw error;
    }
  },
};
