// The module Web Worker of the `threads` option in browsers: see
// lib/worker-core.mjs. Package-internal.
import { serve } from './worker-core.mjs';

serve(
  (message, transfer) => self.postMessage(message, transfer),
  (handler) => self.addEventListener('message', (event) => handler(event.data)),
);
