/**
 * Iterates `source` one step ahead: the next item is requested as soon as the current one is handed out, so the
 * upstream call for page n+1 overlaps the writing of page n. Never more than one item is ahead, so memory stays at
 * two pages.
 */
export async function* prefetchOne<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let ahead = iterator.next();
  try {
    for (;;) {
      const result = await ahead;
      if (result.done === true) return;
      ahead = iterator.next();
      // Its failure is the consumer's to see when it gets there; until then it must not count as unhandled.
      ahead.catch(() => undefined);
      yield result.value;
    }
  } finally {
    // A consumer that stops early (an error while writing) still lets the call ahead finish, then closes the source.
    await iterator.return?.();
  }
}
