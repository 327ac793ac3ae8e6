// The worker thread of the `threads` option in Node (worker_threads): see
// lib/worker-core.mjs. Package-internal.
import { parentPort } from 'node:worker_threads';
import { serve } from './worker-core.mjs';

serve(
  (message, transfer) => parentPort.postMessage(message, transfer),
  (handler) => parentPort.on('message', handler),
);
