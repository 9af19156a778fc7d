import type { TableClient, TransactionAction } from "@azure/data-tables";
import type { StoredRow } from "./rowCodec";

export interface RowWriterOptions {
  /** Transactions in flight at once. */
  maxInFlight: number;
  /** Rows held across all partitions before the fullest partition is sent early; bounds memory for any tenant size. */
  maxBufferedRows: number;
  /** Upsert for snapshot rows; delete for retention and clean-up. */
  operation: "upsert" | "delete";
}

export const DEFAULT_WRITER_OPTIONS: RowWriterOptions = {
  maxInFlight: 16,
  maxBufferedRows: 4_000,
  operation: "upsert",
};

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
  readonly stats = { rows: 0, transactions: 0 };
  private readonly batches = new Map<string, Batch>();
  private readonly inFlight = new Set<Promise<void>>();
  private buffered = 0;
  private failure: Error | undefined;

  constructor(
    private readonly table: TableClient,
    private readonly options: RowWriterOptions = DEFAULT_WRITER_OPTIONS,
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
      }
      batch.rows.push(row);
      batch.chars += chars;
      this.buffered++;
      if (batch.rows.length >= MAX_OPERATIONS) await this.send(row.partitionKey);
      if (this.buffered >= this.options.maxBufferedRows) await this.send(this.fullestPartition());
    }
  }

  /** Sends every partial batch and waits until all rows are durable. */
  async flush(): Promise<void> {
    for (const partitionKey of [...this.batches.keys()]) await this.send(partitionKey);
    await Promise.allSettled(this.inFlight);
    this.throwIfFailed();
  }

  private async send(partitionKey: string): Promise<void> {
    const batch = this.batches.get(partitionKey);
    if (batch === undefined) return;
    this.batches.delete(partitionKey);
    this.buffered -= batch.rows.length;
    while (this.inFlight.size >= this.options.maxInFlight) await Promise.race(this.inFlight);
    this.throwIfFailed();
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
  for (const [name, value] of Object.entries(row))
    chars += name.length + (typeof value === "string" ? value.length : 16);
  return chars;
}
