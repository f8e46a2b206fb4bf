/** What streamCursor needs of a cursor: mongoose's query cursor, read with `for await`. */
interface ClosableCursor<T> extends AsyncIterable<T> {
  close(): Promise<void>;
  once(event: 'close', listener: () => void): unknown;
}

let open = 0;

/** Cursors opened through streamCursor that the database has not yet been told to close: a figure for tests. */
export const openStreamedCursors = (): number => open;

/**
 * Every document of the cursor, closing it however the reading ends: read to the end, failed, or stopped early by
 * its reader (a download the client cut off). `for await` alone leaves a mongoose cursor open on the server when
 * its reader stops: the cursor has no `return()` for the loop to call.
 */
export async function* streamCursor<T>(cursor: ClosableCursor<T>): AsyncGenerator<T> {
  open += 1;
  // Counted down when the cursor says it has closed, which it does once the database has been told.
  cursor.once('close', () => {
    open -= 1;
  });
  try {
    for await (const doc of cursor) yield doc;
  } finally {
    await cursor.close().catch(() => undefined);
  }
}
