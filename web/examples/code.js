// A small least-recently-used cache with a size limit in bytes.
export class LruCache {
  #entries = new Map(); // key -> { value, size }, oldest first
  #bytes = 0;

  constructor(maxBytes = 1 << 20) {
    if (!Number.isInteger(maxBytes) || maxBytes <= 0) {
      throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`);
    }
    this.maxBytes = maxBytes;
  }

  get size() {
    return this.#entries.size;
  }

  get bytes() {
    return this.#bytes;
  }

  get(key) {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    // Move the entry to the end: it is now the most recently used.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key, value, size = 1) {
    if (size > this.maxBytes) return false;
    const old = this.#entries.get(key);
    if (old !== undefined) {
      this.#bytes -= old.size;
      this.#entries.delete(key);
    }
    this.#entries.set(key, { value, size });
    this.#bytes += size;
    while (this.#bytes > this.maxBytes) {
      const [oldestKey, oldest] = this.#entries.entries().next().value;
      this.#entries.delete(oldestKey);
      this.#bytes -= oldest.size;
    }
    return true;
  }

  delete(key) {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    this.#entries.delete(key);
    this.#bytes -= entry.size;
    return true;
  }

  clear() {
    this.#entries.clear();
    this.#bytes = 0;
  }
}
