import { z } from "zod";
import { idFromRowKey } from "../store/rowKeys";
import { readRows, rowSetFilter } from "../store/rowReader";
import type { SourcePage } from "../sources/sourcePage";
import {
  INVALID,
  InvalidItemsError,
  type Counts,
  type ItemRows,
  type KindSync,
  type RowLayout,
  type RunContext,
} from "./contract";
import { prefetchOne } from "../common/prefetch";

/** A kind whose upstream is one list read page by page (Graph users, Power BI admin/groups). */
export interface PagedSource<T, N> {
  readonly kind: string;
  readonly countNames: readonly string[];
  /** How many rows a snapshot with these counts holds (KindSync.rowsOf). */
  rowsOf(counts: Readonly<Counts>): number;
  /**
   * Resumable sources checkpoint after every page and continue a paused run where it stopped; the others start
   * again from the first page (Graph's next links are not promised to outlive a long pause).
   */
  readonly resumable: boolean;
  /** The row set whose row keys carry the items' ids: read back to de-duplicate a resumed run. */
  readonly itemRowSet: string;
  /** What a page's `next` looks like when saved. */
  readonly next: z.ZodType<N>;
  pages(from: N | undefined): AsyncIterable<SourcePage<T, N>>;
  /** The item's id, for de-duplication across unstable pages. */
  idOf(item: T): string;
  toRows(item: T, layout: RowLayout): ItemRows;
}

/** Where a paged run stands after a page. */
export interface PagedPosition<N> {
  next?: N | undefined;
  pages: number;
  /** Every page is in: a run resumed from here lists nothing again. */
  done: boolean;
  /** The run went on in another invocation: the tenant may have changed in between, so counts are not trusted. */
  spanned: boolean;
}

/**
 * The sync of a paged source: every page written, checkpointed after each page when resumable. Power BI's `$skip`
 * paging is not stable, so a resumable source's items are de-duplicated by id across pages and invocations, and a
 * service count ends the run early (sparing an empty last call) only while the run has not spanned a pause.
 */
export function pagedSync<T, N>(source: PagedSource<T, N>): KindSync<PagedPosition<N>> {
  const position = z.object({
    next: source.next.optional(),
    pages: z.number().int().min(0),
    done: z.boolean().default(false),
    spanned: z.boolean().default(false),
  }) as unknown as z.ZodType<PagedPosition<N>>;
  return {
    kind: source.kind,
    countNames: source.countNames,
    rowsOf: (counts) => source.rowsOf(counts),
    resumable: source.resumable,
    position,
    run: (context) => copyPages(source, context),
  };
}

async function copyPages<T, N>(source: PagedSource<T, N>, context: RunContext<PagedPosition<N>>): Promise<Counts> {
  const saved = context.position;
  const counts = { ...context.counts };
  if (saved?.done === true) return counts;
  const position: PagedPosition<N> = {
    next: saved?.next,
    pages: saved?.pages ?? 0,
    done: false,
    spanned: saved !== undefined,
  };
  const seen = source.resumable ? await storedIds(context, source.itemRowSet) : undefined;
  let items = 0;
  // Fetching page n+1 while page n is written keeps storage busy. Not for resumable kinds: their calls are budgeted
  // (Power BI: 50 an hour), and one fetched ahead of a run that stops at a checkpoint would be spent for nothing.
  const pages = source.pages(position.next);
  for await (const page of source.resumable ? pages : prefetchOne(pages)) {
    if (page.invalid.length > 0) {
      counts[INVALID] = (counts[INVALID] ?? 0) + page.invalid.length;
      const first = page.invalid[0]!;
      const summary = `${page.invalid.length} invalid ${source.kind} item(s) on page ${position.pages + 1}; first${first.id === undefined ? "" : ` (id ${first.id})`}: ${first.reason}`;
      if (context.onInvalidItem === "fail") throw new InvalidItemsError(page.invalid.length, summary);
      context.log(`Skipped ${summary}`);
    }
    for (const item of page.items) {
      if (seen !== undefined) {
        const id = source.idOf(item);
        if (seen.has(id)) continue;
        seen.add(id);
      }
      const { rows, counts: added } = source.toRows(item, context.layout);
      for (const [name, count] of Object.entries(added)) counts[name] = (counts[name] ?? 0) + count;
      await context.write(rows);
      items++;
    }
    // The rest of this upstream page follows; its last part moves the position on.
    if (page.partial === true) continue;
    // Once every item the service counted is in, the next page could only be empty: skip that call. A count from
    // before a pause says nothing about the tenant now, so such a run ends on a short page instead.
    const counted = !position.spanned && seen !== undefined && page.total !== undefined && seen.size >= page.total;
    position.next = counted ? undefined : page.next;
    position.pages++;
    position.done = position.next === undefined;
    if (source.resumable) await context.checkpoint({ ...position }, counts);
    context.progress({ pages: position.pages, items });
    if (position.done) break;
    context.checkDeadline();
  }
  return counts;
}

/**
 * Ids already stored by earlier invocations of a resumed snapshot (the engine has dropped whatever was written
 * after the last checkpoint, so an id counts only if its whole item is in).
 */
async function storedIds(context: RunContext<unknown>, rowSet: string): Promise<Set<string>> {
  const ids = new Set<string>();
  if (context.position === undefined) return ids;
  const { tenantId, snapshotId } = context.layout;
  for await (const row of readRows(context.tables.rows, rowSetFilter(tenantId, snapshotId, rowSet), ["RowKey"])) {
    ids.add(idFromRowKey(String(row.rowKey)));
  }
  return ids;
}
