import type { TableClient, TransactionAction } from "@azure/data-tables";
import type { StoredRow } from "./rowCodec";

export interface RowWriterOptions {
  /** Transactions in flight at once. */
  maxInFlight: number;
  /**
   * Rows held per partition written to, before the fullest partition is sent early. Rows reach a partition one in
   * (number of partitions), so batches near 100 need about this many waiting per partition; fewer means more, smaller
   * transactions, each costing storage a fixed overhead.
   */
  bufferedRowsPerPartition: number;
  /** Bounds of the rows held across all partitions, whatever the layout; the maximum bounds memory for any tenant. */
  minBufferedRows: number;
  maxBufferedRows: number;
  /** Upsert for snapshot rows; delete for retention and clean-up. */
  operation: "upsert" | "delete";
}

export const DEFAULT_WRITER_OPTIONS: RowWriterOptions = {
  // 8 keep Azurite (one thread) as busy as 16 (the benchmark's ceiling tries are within noise of each other), and
  // fewer transactions in flight hold fewer rows and request bodies in the heap.
  maxInFlight: 8,
  // Rows reach a partition at random, and the fullest is sent when the buffer is full: 60 a partition fill batches
  // to ~80 rows on average (512 partitions of 100,000 users hold ~30,000 rows, about 30 MB). Half that buffer would
  // halve the batches, and each transaction costs storage a fixed overhead (~10 rows' worth on Azurite).
  bufferedRowsPerPartition: 60,
  minBufferedRows: 4_000,
  maxBufferedRows: 32_000,
  operation: "upsert",
};

/** Rows made durable and the transactions that carried them. */
export interface WriterStats {
  rows: number;
  transactions: number;
}

const MAX_OPERATIONS = 100;
/** Stays under the 4 MiB transaction payload with room for the multipart envelope. */
const MAX_BATCH_CHARS = 1_000_000;

interface Batch {
  rows: StoredRow[];
  chars: number;
}

/**
 * Streams rows into entity group transactions: per-partition batches of up to 100 operations, several in flight.
 * Upserts make a resumed or retried page idempotent.
 */
export class RowWriter {
  readonly stats: WriterStats = { rows: 0, transactions: 0 };
  private readonly batches = new Map<string, Batch>();
  private readonly inFlight = new Set<Promise<void>>();
  private buffered = 0;
  /** Every partition written to, which sizes the buffer. */
  private readonly partitions = new Set<string>();
  private failure: Error | undefined;

  constructor(
    private readonly table: TableClient,
    private readonly options: RowWriterOptions = DEFAULT_WRITER_OPTIONS,
    /** Called before every transaction is sent; a writer whose owner lost its lease throws here and sends nothing. */
    private readonly beforeSend: () => void = () => undefined,
  ) {}

  /** Queues rows; resolves when the writer has room for more (backpressure). */
  async write(rows: Iterable<StoredRow>): Promise<void> {
    this.throwIfFailed();
    for (const row of rows) {
      const chars = rowChars(row);
      let batch = this.batches.get(row.partitionKey);
      if (batch !== undefined && (batch.rows.length >= MAX_OPERATIONS || batch.chars + chars > MAX_BATCH_CHARS)) {
        await this.send(row.partitionKey);
        batch = undefined;
      }
      if (batch === undefined) {
        batch = { rows: [], chars: 0 };
        this.batches.set(row.partitionKey, batch);
        this.partitions.add(row.partitionKey);
      }
      batch.rows.push(row);
      batch.chars += chars;
      this.buffered++;
      if (batch.rows.length >= MAX_OPERATIONS) await this.send(row.partitionKey);
      if (this.buffered >= this.bufferLimit()) await this.send(this.fullestPartition());
    }
  }

  /** Sends every partial batch and waits until all rows are durable. */
  async flush(): Promise<void> {
    for (const partitionKey of [...this.batches.keys()]) await this.send(partitionKey);
    await Promise.allSettled(this.inFlight);
    this.throwIfFailed();
  }

  /**
   * Drops buffered rows and waits until no transaction is in flight: a failed run calls it before removing its rows,
   * so none lands after the clean-up and stays orphaned.
   */
  async settle(): Promise<void> {
    this.batches.clear();
    this.buffered = 0;
    await Promise.allSettled([...this.inFlight]);
  }

  private async send(partitionKey: string): Promise<void> {
    const batch = this.batches.get(partitionKey);
    if (batch === undefined) return;
    this.batches.delete(partitionKey);
    this.buffered -= batch.rows.length;
    while (this.inFlight.size >= this.options.maxInFlight) await Promise.race(this.inFlight);
    this.throwIfFailed();
    this.beforeSend();
    const actions = batch.rows.map((row): TransactionAction =>
      this.options.operation === "upsert" ? ["upsert", row, "Replace"] : ["delete", row],
    );
    const sent: Promise<void> = this.table.submitTransaction(actions).then(
      () => {
        this.stats.rows += actions.length;
        this.stats.transactions++;
      },
      (error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(`transaction failed: ${JSON.stringify(error)}`);
      },
    );
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }

  private bufferLimit(): number {
    const { bufferedRowsPerPartition, minBufferedRows, maxBufferedRows } = this.options;
    return Math.min(maxBufferedRows, Math.max(minBufferedRows, this.partitions.size * bufferedRowsPerPartition));
  }

  private fullestPartition(): string {
    let fullest = "";
    let size = -1;
    for (const [partitionKey, batch] of this.batches) {
      if (batch.rows.length > size) [fullest, size] = [partitionKey, batch.rows.length];
    }
    return fullest;
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

/** Approximate payload of a row, in characters of its string values. */
function rowChars(row: StoredRow): number {
  let chars = 200;
  // for-in rather than Object.entries: this runs for every row, and entries allocates an array per property.
  for (const name in row) {
    const value = row[name];
    chars += name.length + (typeof value === "string" ? value.length : 16);
  }
  return chars;
}
