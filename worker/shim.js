// The edgecache Worker's entry module: hands each event to the Rust handlers that
// wasm-bindgen generated in build/ (bash worker/build.sh), and keeps a Rust panic from
// poisoning later requests. A panic aborts the WebAssembly instance mid-request; that request
// gets a JSON 500, and the instance is rebuilt (wasm-bindgen's reset-state function) before
// the next event, so no request ever runs on memory a panic left half-written. What lived in
// the instance (locmem caches) is gone after a panic; KV, D1 and Redis are not affected.
import * as wasm from './build/index.js';

const init = wasm.__worker_init_state();

function recover() {
  if (init.criticalError) {
    console.log('edgecache: rebuilding the WebAssembly instance after a panic');
    wasm.__wbg_reset_state();
    init.criticalError = false;
  }
}

function noteFailure(error) {
  if (error instanceof WebAssembly.RuntimeError) init.criticalError = true;
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
      return await wasm.fetch(request, env, ctx);
    } catch (error) {
      noteFailure(error);
      console.error('edgecache: request failed', error);
      return internalError(error);
    }
  },

  async scheduled(controller, env, ctx) {
    recover();
    try {
      await wasm.scheduled(controller, env, ctx);
    } catch (error) {
      noteFailure(error);
      throw error;
    }
  },
};
