/**
 * Reads a source ahead of its consumer and hands it on in batches: while the consumer works through one
 * batch (writing rows), the next is already being fetched from the database, and the consumer awaits once
 * per batch rather than once per record. At most `limit` records wait at any time.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, limit = 1000): AsyncGenerator<T[]> {
  const it = source[Symbol.asyncIterator]();
  let queue: T[] = [];
  let finished = false;
  let stopped = false;
  let failure: { error: unknown } | null = null;
  let wakeConsumer: (() => void) | null = null;
  let wakeProducer: (() => void) | null = null;
  const signal = (which: 'consumer' | 'producer') => {
    const wake = which === 'consumer' ? wakeConsumer : wakeProducer;
    if (which === 'consumer') wakeConsumer = null;
    else wakeProducer = null;
    wake?.();
  };

  const producer = (async () => {
    try {
      while (!stopped) {
        if (queue.length >= limit) {
          await new Promise<void>((resolve) => (wakeProducer = resolve));
          continue;
        }
        const next = await it.next();
        if (next.done) break;
        queue.push(next.value);
        signal('consumer');
      }
    } catch (error) {
      failure = { error };
    } finally {
      finished = true;
      signal('consumer');
    }
  })();

  try {
    for (;;) {
      if (queue.length) {
        const batch = queue;
        queue = [];
        signal('producer');
        yield batch;
        continue;
      }
      if (failure) throw (failure as { error: unknown }).error;
      if (finished) return;
      await new Promise<void>((resolve) => (wakeConsumer = resolve));
    }
  } finally {
    stopped = true;
    signal('producer');
    await producer;
    // Closing the source closes its database cursor.
    await it.return?.();
  }
}
