import { decodeGroup, rowGroups } from "../../store/rowCodec";
import { movedRow, partitionRows, partitionsOf } from "../../store/rowCopy";
import type { Counts, RowLayout, RunContext } from "../../sync/contract";
import { WORKSPACE_TYPE } from "./catalogItems";
import { CARRIED_ROW_SETS, CATALOG_ROW_SETS, edgeOfDownRow, edgeRows, itemCounts } from "./catalogRows";

/** Rows copied between two checkpoints; a resumed run copies at most this many again. */
const ROWS_PER_CHECKPOINT = 20_000;

/** Where a copy stands: the next partition of the previous snapshot to copy, in CARRIED_ROW_SETS order. */
export interface CarryProgress {
  partition: number;
}

/**
 * Copies the rows of the carried workspaces (`carried`, lower-cased ids) from the previous snapshot: partition by
 * partition, every item whose `ws` is carried (its row with the overflow rows that continue it), re-keyed into this
 * snapshot's layout, and both rows of every lineage edge, written again from its down row. Counts follow from the
 * copied rows' columns. `save` checkpoints the progress.
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
    // The row set's partitions from where the copy stands, a few a query (see PARTITIONS_PER_QUERY).
    const partitions = partitionsOf(source, rowSet);
    const first = Math.max(0, from.partition - setIndex * perRowSet);
    let current = first;
    for await (const group of rowGroups(partitionRows(context.tables.rows, partitions, first))) {
      const [row] = group as [Record<string, unknown>];
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
      if (typeof row.ws !== "string" || !carried.has(row.ws)) continue;
      const rows =
        rowSet === CATALOG_ROW_SETS.items
          ? group.map((part) => movedRow(part, context.layout, rowSet))
          : edgeRowsAgain(group, context.layout);
      await context.write(rows);
      sinceCheckpoint += rows.length;
      if (rowSet === CATALOG_ROW_SETS.items) {
        add(counts, { ...itemCounts(row), ...(row.type === WORKSPACE_TYPE ? { carried: 1 } : {}) });
      } else add(counts, { edges: 1 });
    }
  }
  await save({ partition: CARRIED_ROW_SETS.length * perRowSet });
}

/** Both rows of the edge a down row of the previous snapshot holds, in this snapshot's layout. */
function edgeRowsAgain(group: readonly Record<string, unknown>[], layout: RowLayout) {
  const { row, item } = decodeGroup<Parameters<typeof edgeOfDownRow>[0]>(group);
  const { edge, to } = edgeOfDownRow(item, row);
  return edgeRows(edge, to, layout);
}

export function add(counts: Counts, added: Counts): void {
  for (const [name, count] of Object.entries(added)) counts[name] = (counts[name] ?? 0) + count;
}
