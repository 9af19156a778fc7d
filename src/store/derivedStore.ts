import type { TableClient } from "@azure/data-tables";
import { partitionKey } from "./rowKeys";

/**
 * Where values derived from a succeeded snapshot are kept (a diff summary against the one before, ...). Not a
 * kind's row set (those are letters only, so `~` cannot collide with one), but under the snapshot's key prefix, so
 * retention deletes them with the snapshot's rows.
 */
export const DERIVED_ROW_SET = "~derived";

/** A table string property holds 64 KiB of UTF-16: a larger value is recomputed each time rather than kept. */
const MAX_CHARS = 30_000;

interface DerivedEntity {
  partitionKey: string;
  rowKey: string;
  value: string;
}

/**
 * Values computed once from immutable snapshots and kept beside them, one table row each: `get` is one point read,
 * `put` one upsert. Names are row keys: letters, digits and `|-_.` only.
 */
export class DerivedStore {
  constructor(
    private readonly rows: TableClient,
    private readonly tenantId: string,
  ) {}

  /** The value kept under `name` for `snapshotId`, or undefined when none is. */
  async get(snapshotId: string, name: string): Promise<unknown> {
    try {
      const entity = await this.rows.getEntity<DerivedEntity>(this.partition(snapshotId), checkName(name));
      return JSON.parse(entity.value) as unknown;
    } catch (error) {
      if ((error as { statusCode?: number } | null)?.statusCode === 404) return undefined;
      throw error;
    }
  }

  /** Keeps `value` under `name`; returns false when it is too large to keep. Racing writers write the same value. */
  async put(snapshotId: string, name: string, value: unknown): Promise<boolean> {
    const text = JSON.stringify(value);
    if (text.length > MAX_CHARS) return false;
    const entity: DerivedEntity = { partitionKey: this.partition(snapshotId), rowKey: checkName(name), value: text };
    await this.rows.upsertEntity(entity, "Replace");
    return true;
  }

  private partition(snapshotId: string): string {
    return partitionKey(this.tenantId, snapshotId, DERIVED_ROW_SET, 0);
  }
}

function checkName(name: string): string {
  if (!/^[A-Za-z0-9|._-]{1,512}$/.test(name)) throw new Error(`"${name}" is not a derived value name`);
  return name;
}
