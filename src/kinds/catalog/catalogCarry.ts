import { isOverflowRow } from "../../store/rowCodec";
import { movedRow, partitionRows, partitionsOf } from "../../store/rowCopy";
import type { Counts, RunContext } from "../../sync/contract";
import { WORKSPACE_TYPE } from "./catalogItems";
import { CARRIED_ROW_SETS, CATALOG_ROW_SETS, itemCounts } from "./catalogRows";

/** Rows copied between two checkpoints; a resumed run copies at most this many again. */
const ROWS_PER_CHECKPOINT = 20_000;

/** Where a copy stands: the next partition of the previous snapshot to copy, in CARRIED_ROW_SETS order. */
export interface CarryProgress {
  partition: number;
}

/**
 * Copies the rows of the carried workspaces (`carried`, lower-cased ids) from the previous snapshot: partition by
 * partition, every row whose `ws` is carried (with the overflow rows that continue it), re-keyed into this
 * snapshot's layout. Counts follow from the copied rows' columns. `save` checkpoints the progress.
 */
export async function carryOver(
  context: RunContext<unknown>,
  carried: ReadonlySet<string>,
  from: CarryProgress,
  counts: Counts,
  save: (progress: CarryProgress) => Promise<void>,
): Promise<void> {
  const previous = context.previous!;
  const source = { tenantId: context.layout.tenantId, snapshotId: previous.id, partitionBits: previous.partitionBits };
  const partitions = CARRIED_ROW_SETS.flatMap((rowSet) => partitionsOf(source, rowSet).map((key) => ({ rowSet, key })));
  let sinceCheckpoint = 0;
  for (let index = from.partition; index < partitions.length; index++) {
    const { rowSet, key } = partitions[index]!;
    let keep = false;
    for await (const row of partitionRows(context.tables.rows, key)) {
      // Overflow rows carry no columns: they go with the row they continue, which comes right before them.
      if (!isOverflowRow(String(row.rowKey))) keep = typeof row.ws === "string" && carried.has(row.ws);
      if (!keep) continue;
      await context.write([movedRow(row, context.layout, rowSet)]);
      sinceCheckpoint++;
      if (isOverflowRow(String(row.rowKey))) continue;
      if (rowSet === CATALOG_ROW_SETS.items)
        add(counts, { ...itemCounts(row), ...(row.type === WORKSPACE_TYPE ? { carried: 1 } : {}) });
      else if (rowSet === CATALOG_ROW_SETS.down) add(counts, { edges: 1 });
    }
    if (sinceCheckpoint >= ROWS_PER_CHECKPOINT || index === partitions.length - 1) {
      await save({ partition: index + 1 });
      sinceCheckpoint = 0;
      context.checkDeadline();
    }
    context.progress({ pages: index + 1, items: counts.items ?? 0 });
  }
}

export function add(counts: Counts, added: Counts): void {
  for (const [name, count] of Object.entries(added)) counts[name] = (counts[name] ?? 0) + count;
}
