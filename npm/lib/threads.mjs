// Package-internal: the `threads` option. Frames are independent (each
// decodes alone, docs/FORMAT.md), so N workers (Node worker_threads,
// browser module Web Workers) compress or decompress N frames at once,
// each through the core's one-frame functions (lmzip::compress_frame,
// lmzip::decompress_frames); this file only hands out frames and puts the
// results back in order. The bytes are the core's for the frame size: the
// same for every thread count and every order in which workers finish.
//
// Memory: each worker holds the level's tables sized to one frame
// (memoryForInput(level, frameSize)), one frame of input and its output;
// the caller holds at most `threads` frames beyond what it has written.

/**
 * The workers' count for a `threads` option: 0 = one per core.
 * @param {number} threads
 * @param {number} cores
 * @param {number} max
 */
export function resolveThreads(threads, cores, max) {
  const n = threads === 0 ? cores : threads;
  return Math.max(1, Math.min(n, max));
}

// One worker: post() a task, get a promise of its reply.
class Lane {
  #handle;
  #pending = new Map();
  #next = 1;
  #failed = null;
  #closed = false;

  constructor(handle, makeError) {
    this.#handle = handle;
    handle.onMessage((reply) => {
      const task = this.#pending.get(reply.id);
      if (!task) return;
      this.#pending.delete(reply.id);
      if (reply.error) task.reject(makeError(reply.error.code, reply.error.message));
      else task.resolve(reply);
    });
    handle.onError((cause) => {
      if (this.#closed) return;
      this.#failed = makeError('LMZ_ERR_LOAD_FAILED', `lmzip: a worker failed: ${cause?.message ?? cause}`, cause);
      for (const task of this.#pending.values()) task.reject(this.#failed);
      this.#pending.clear();
    });
  }

  call(message, transfer = []) {
    if (this.#failed) return Promise.reject(this.#failed);
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#handle.post({ ...message, id }, transfer);
    });
  }

  // Terminates the worker; tasks still running reject with `reason`.
  close(reason) {
    if (this.#closed) return;
    this.#closed = true;
    this.#handle.terminate();
    this.#failed = reason ?? new Error('lmzip: the worker was closed');
    for (const task of this.#pending.values()) task.reject(this.#failed);
    this.#pending.clear();
  }
}

/**
 * N workers, each loaded with the caller's WebAssembly module and models.
 * `run(tasks)` runs a list of tasks in order of index, `count` at a time;
 * `close()` terminates the workers (call it in a finally).
 */
export class WorkerPool {
  #lanes = [];
  #ready;

  /**
   * @param {number} count
   * @param {{createWorker: Function}} loader
   * @param {object} initOptions init() options for the workers (wasm, simd, models)
   * @param {(code: string, message: string, cause?: unknown) => Error} makeError
   */
  constructor(count, loader, initOptions, makeError) {
    try {
      for (let i = 0; i < count; ++i) this.#lanes.push(new Lane(loader.createWorker(), makeError));
    } catch (cause) {
      this.close();
      throw makeError('LMZ_ERR_LOAD_FAILED', `lmzip: cannot start a worker: ${cause?.message ?? cause}`, cause);
    }
    this.#ready = Promise.all(this.#lanes.map((lane) => lane.call({ type: 'init', options: initOptions })));
    this.#ready.catch(() => {}); // reported by run()
  }

  get size() {
    return this.#lanes.length;
  }

  /**
   * Runs `count` tasks: task(k) gives the message (and transfer list) of
   * task k (it is called in order of k), done(k, reply) receives its reply,
   * awaited, in order of k (so a writer may stream them out). At most twice
   * `size` tasks beyond the last one done are started, which bounds the
   * memory. The first failure in order of k rejects; no task is started
   * after a failure.
   * @param {number} count
   * @param {(k: number) => Promise<{message: object, transfer?: Transferable[]}>} task
   * @param {(k: number, reply: object) => Promise<void> | void} done
   * @param {AbortSignal} [signal]
   * @param {(signal: AbortSignal) => Error} [abortError]
   */
  async run(count, task, done, signal, abortError) {
    let aborted = null;
    const onAbort = () => {
      aborted = abortError(signal);
      for (const lane of this.#lanes) lane.close(aborted);
    };
    if (signal?.aborted) throw abortError(signal);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await this.#ready;
      const limit = 2 * this.#lanes.length;
      const idle = [...this.#lanes];
      const started = new Map(); // k -> promise of its reply
      let next = 0;
      let finished = 0;
      let failed = false;
      const start = () => {
        while (idle.length > 0 && next < count && next < finished + limit && !failed && !aborted) {
          const lane = idle.pop();
          const k = next++;
          const reply = Promise.resolve()
            .then(() => task(k))
            .then(({ message, transfer }) => lane.call(message, transfer));
          reply.then(
            () => {
              idle.push(lane);
              start();
            },
            () => {
              failed = true;
            },
          );
          started.set(k, reply);
        }
      };
      for (; finished < count; ++finished) {
        start();
        const reply = await started.get(finished).catch((error) => {
          throw aborted ?? error;
        });
        started.delete(finished);
        if (aborted) throw aborted;
        await done(finished, reply);
      }
    } catch (error) {
      throw aborted ?? error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  close() {
    for (const lane of this.#lanes) lane.close();
  }
}
