/** An item with the row key that orders it: (hash, id), the same in every snapshot. */
export interface Keyed<T> {
  rowKey: string;
  item: T;
}

/** The two sides of one key; a side is undefined where that snapshot lacks the key. */
export interface Pair<T> {
  key: string;
  older: T | undefined;
  newer: T | undefined;
}

/**
 * Pairs two key-ordered streams by key (a sorted merge join): memory is one item per side plus the readers' pages,
 * whatever the snapshots' sizes. A stream out of order would pair wrongly, so it fails loudly instead.
 */
export async function* mergeJoin<T>(
  older: AsyncIterable<Keyed<T>>,
  newer: AsyncIterable<Keyed<T>>,
): AsyncGenerator<Pair<T>> {
  const left = ordered(older)[Symbol.asyncIterator]();
  const right = ordered(newer)[Symbol.asyncIterator]();
  try {
    let [a, b] = await Promise.all([left.next(), right.next()]);
    for (;;) {
      const x = a.done === true ? undefined : a.value;
      const y = b.done === true ? undefined : b.value;
      if (x !== undefined && (y === undefined || x.rowKey < y.rowKey)) {
        yield { key: x.rowKey, older: x.item, newer: undefined };
        a = await left.next();
      } else if (y !== undefined && (x === undefined || y.rowKey < x.rowKey)) {
        yield { key: y.rowKey, older: undefined, newer: y.item };
        b = await right.next();
      } else if (x !== undefined && y !== undefined) {
        yield { key: x.rowKey, older: x.item, newer: y.item };
        [a, b] = await Promise.all([left.next(), right.next()]);
      } else {
        return;
      }
    }
  } finally {
    await Promise.all([left.return(undefined), right.return(undefined)]);
  }
}

async function* ordered<T>(items: AsyncIterable<Keyed<T>>): AsyncGenerator<Keyed<T>> {
  let previous: string | undefined;
  for await (const keyed of items) {
    if (previous !== undefined && keyed.rowKey <= previous) {
      throw new Error(`rows out of key order: ${keyed.rowKey} after ${previous}`);
    }
    previous = keyed.rowKey;
    yield keyed;
  }
}
