import type { TableClient } from "@azure/data-tables";
import type { StoredRow } from "../src/store/rowCodec";
import { isOverflowRow } from "../src/store/rowCodec";
import { readItemsAfter, type RowSetRange } from "../src/store/rowReader";

export interface ReadFigures {
  /** Pages of `top` items read one after another from random positions, as the list route reads a page. */
  pages: number;
  top: number;
  p50Ms: number;
  p99Ms: number;
  /** One export: every item of the row set, as `format=ndjson` reads it. */
  exportItems: number;
  exportMs: number;
}

const TOP = 100;

/**
 * Reads of one layout, through the product's reader (readItemsAfter): `samples` pages after random items, then the
 * whole row set. Each query spans about a page's worth of partitions at the product's target, so a layout far from it
 * reads a page in more queries (smaller partitions) or makes Azurite sort more rows per query (larger ones): that is
 * what a partition target is weighed against.
 */
export async function measureReads(
  table: TableClient,
  range: RowSetRange,
  rows: readonly StoredRow[],
  samples: number,
): Promise<ReadFigures> {
  const prefix = `${range.tenantId}|${range.snapshotId}|${range.rowSet}|`;
  const items = rows.filter((row) => row.partitionKey.startsWith(prefix) && !isOverflowRow(row.rowKey));
  // As the list route reads: sized by the row set's item count, which the manifest holds.
  const sized = { ...range, items: items.length };
  const latencies: number[] = [];
  for (let sample = 0; sample < samples && items.length > 0; sample++) {
    const after = items[Math.floor(Math.random() * items.length)]!.rowKey;
    const started = performance.now();
    let read = 0;
    for await (const item of readItemsAfter(table, sized, { after, pageSize: TOP })) {
      void item;
      if (++read >= TOP) break;
    }
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  const started = performance.now();
  let exported = 0;
  for await (const item of readItemsAfter(table, sized)) {
    void item;
    exported++;
  }
  const exportMs = performance.now() - started;
  return {
    pages: latencies.length,
    top: TOP,
    p50Ms: percentile(0.5),
    p99Ms: percentile(0.99),
    exportItems: exported,
    exportMs,
  };
}
