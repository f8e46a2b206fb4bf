/**
 * Runs tasks that share a key one after another within this process. Writes that read a document and
 * then change it use this on top of their conditional update: on MongoDB the condition alone makes
 * them safe across servers, while FerretDB v1 does not apply find-and-modify atomically, so on a
 * single embedded-engine server the lock is what keeps concurrent changes from being lost.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with work queued or running; for tests. */
  get size(): number {
    return this.tails.size;
  }
}
