import { isOverflowRow } from "../../store/rowCodec";
import { movedRow, partitionsOf, rangeRows } from "../../store/rowCopy";
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
  const perRowSet = 2 ** previous.partitionBits;
  let sinceCheckpoint = 0;
  for (const [setIndex, rowSet] of CARRIED_ROW_SETS.entries()) {
    if ((setIndex + 1) * perRowSet <= from.partition) continue;
    // One range read over the row set's partitions from where the copy stands: a query per partition would cost
    // storage a scan each.
    const partitions = partitionsOf(source, rowSet);
    const first = Math.max(0, from.partition - setIndex * perRowSet);
    let current = first;
    let keep = false;
    for await (const row of rangeRows(context.tables.rows, partitions[first]!, `${partitions.at(-1)!}~`)) {
      const partition = partitions.indexOf(String(row.partitionKey), current);
      if (partition > current) {
        // A checkpoint falls between partitions: a resumed copy starts again at the partition after it.
        if (sinceCheckpoint >= ROWS_PER_CHECKPOINT) {
          await save({ partition: setIndex * perRowSet + partition });
          sinceCheckpoint = 0;
          context.checkDeadline();
        }
        current = partition;
        context.progress({ pages: setIndex * perRowSet + partition, items: counts.items ?? 0 });
      }
      // Overflow rows carry no columns: they go with the row they continue, which comes right before them.
      if (!isOverflowRow(String(row.rowKey))) keep = typeof row.ws === "string" && carried.has(row.ws);
      if (!keep) continue;
      await context.write([movedRow(row, context.layout, rowSet)]);
      sinceCheckpoint++;
      if (isOverflowRow(String(row.rowKey))) continue;
      if (rowSet === CATALOG_ROW_SETS.items) {
        add(counts, { ...itemCounts(row), ...(row.type === WORKSPACE_TYPE ? { carried: 1 } : {}) });
      } else if (rowSet === CATALOG_ROW_SETS.down) add(counts, { edges: 1 });
    }
  }
  await save({ partition: CARRIED_ROW_SETS.length * perRowSet });
}

export function add(counts: Counts, added: Counts): void {
  for (const [name, count] of Object.entries(added)) counts[name] = (counts[name] ?? 0) + count;
}
