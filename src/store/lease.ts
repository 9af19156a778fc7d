import type { TableClient } from "@azure/data-tables";
import { randomUUID } from "node:crypto";

/** Another run of the same kind holds the lease. */
export class LeaseTakenError extends Error {
  override readonly name = "LeaseTakenError";
}

interface LeaseEntity {
  partitionKey: string;
  rowKey: string;
  owner: string;
  expiresAt: string;
}

/**
 * A lease in Table Storage with ETag concurrency: of two runs of one kind, from two timers, instances, or a timer
 * and an on-demand request, exactly one gets it. A holder that dies lets it expire.
 */
export class Lease {
  private etag = "";
  readonly owner = randomUUID();

  constructor(
    private readonly table: TableClient,
    private readonly tenantId: string,
    readonly name: string,
    private readonly durationMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private get keys() {
    return { partitionKey: `${this.tenantId}|leases`, rowKey: this.name };
  }

  /** Takes the lease or throws LeaseTakenError. */
  async acquire(): Promise<void> {
    const entity: LeaseEntity = { ...this.keys, owner: this.owner, expiresAt: this.expiry() };
    try {
      const current = await this.table.getEntity<LeaseEntity>(this.keys.partitionKey, this.keys.rowKey);
      if (Date.parse(current.expiresAt) > this.now()) throw new LeaseTakenError(`a ${this.name} run is in progress`);
      this.etag = (await this.table.updateEntity(entity, "Replace", { etag: current.etag })).etag ?? "";
    } catch (error) {
      if (statusOf(error) === 404) {
        this.etag = await this.create(entity);
        return;
      }
      if (statusOf(error) === 412) throw new LeaseTakenError(`a ${this.name} run is in progress`);
      throw error;
    }
  }

  /** Extends the lease; throws LeaseTakenError if it was lost meanwhile. */
  async renew(): Promise<void> {
    const entity: LeaseEntity = { ...this.keys, owner: this.owner, expiresAt: this.expiry() };
    try {
      this.etag = (await this.table.updateEntity(entity, "Replace", { etag: this.etag })).etag ?? "";
    } catch (error) {
      if (statusOf(error) === 412 || statusOf(error) === 404)
        throw new LeaseTakenError(`the ${this.name} lease was lost`);
      throw error;
    }
  }

  /** Gives the lease up; a lease already lost is not an error. */
  async release(): Promise<void> {
    try {
      await this.table.deleteEntity(this.keys.partitionKey, this.keys.rowKey, { etag: this.etag });
    } catch (error) {
      if (statusOf(error) !== 412 && statusOf(error) !== 404) throw error;
    }
  }

  private async create(entity: LeaseEntity): Promise<string> {
    try {
      return (await this.table.createEntity(entity)).etag ?? "";
    } catch (error) {
      if (statusOf(error) === 409) throw new LeaseTakenError(`a ${this.name} run is in progress`);
      throw error;
    }
  }

  private expiry(): string {
    return new Date(this.now() + this.durationMs).toISOString();
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number } | null)?.statusCode;
}
