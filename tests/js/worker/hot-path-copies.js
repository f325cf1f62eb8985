// A Worker running the copy checks of tests/js/hot-path-copies.mjs on the package's workerd
// entry: workerd forbids code generation from strings (`new Function` throws `EvalError`), so
// every list or dict is copied along its plan there.
import { createCaches } from '../../../js/workerd.js';
import { checkCopies } from '../hot-path-copies.mjs';

export default {
  async fetch() {
    let evalError;
    try {
      new Function('return 1');
    } catch (error) {
      evalError = error instanceof EvalError;
    }
    try {
      checkCopies(createCaches);
      return Response.json({ evalError, checked: true });
    } catch (error) {
      return Response.json({ evalError, checked: false, error: String(error?.stack ?? error) });
    }
  },
};
