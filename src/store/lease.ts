import type { TableClient } from "@azure/data-tables";
import { randomUUID } from "node:crypto";

/** Another run of the same kind holds the lease. */
export class LeaseTakenError extends Error {
  override readonly name = "LeaseTakenError";
}

/** The holder's lease ran out or passed to another run: it must stop at once and touch nothing more. */
export class LeaseLostError extends Error {
  override readonly name = "LeaseLostError";
}

interface LeaseEntity {
  partitionKey: string;
  rowKey: string;
  owner: string;
  /** Grows by one with every acquisition, so each holder has a number no earlier holder had. */
  epoch: number;
  expiresAt: string;
}

/**
 * Held leases count as lost this long before they expire, so a holder stops writing before another run can take
 * over, whatever small difference there is between the two runs' clocks.
 */
const SAFETY_MS = 60_000;

/**
 * A lease in Table Storage with ETag concurrency: of two runs of one kind, from two timers, instances, or a timer
 * and an on-demand request, exactly one gets it. A holder that dies lets it expire. Each acquisition gets a new
 * epoch, which the holder writes into what it owns (fencing).
 */
export class Lease {
  private etag = "";
  private heldUntil = 0;
  private lost = false;
  epoch = 0;
  readonly owner = randomUUID();

  constructor(
    private readonly table: TableClient,
    private readonly tenantId: string,
    readonly name: string,
    readonly durationMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private get keys() {
    return { partitionKey: `${this.tenantId}|leases`, rowKey: this.name };
  }

  /** Takes the lease or throws LeaseTakenError. */
  async acquire(): Promise<void> {
    const asked = this.now();
    try {
      const current = await this.table.getEntity<LeaseEntity>(this.keys.partitionKey, this.keys.rowKey);
      if (Date.parse(current.expiresAt) > asked) throw new LeaseTakenError(`a ${this.name} run is in progress`);
      const entity = this.entity(asked, (current.epoch ?? 0) + 1);
      this.etag = (await this.table.updateEntity(entity, "Replace", { etag: current.etag })).etag ?? "";
      this.held(entity.epoch, asked);
    } catch (error) {
      if (statusOf(error) === 404) {
        this.etag = await this.create(this.entity(asked, 1));
        this.held(1, asked);
        return;
      }
      if (statusOf(error) === 412) throw new LeaseTakenError(`a ${this.name} run is in progress`);
      throw error;
    }
  }

  /** Extends the lease; throws LeaseLostError if it ran out or was taken meanwhile. */
  async renew(): Promise<void> {
    this.assertHeld();
    const asked = this.now();
    try {
      this.etag =
        (await this.table.updateEntity(this.entity(asked, this.epoch), "Replace", { etag: this.etag })).etag ?? "";
      this.heldUntil = asked + this.durationMs - SAFETY_MS;
    } catch (error) {
      if (statusOf(error) === 412 || statusOf(error) === 404) {
        this.lost = true;
        throw new LeaseLostError(`the ${this.name} lease was taken by another run`);
      }
      throw error;
    }
  }

  /** Throws LeaseLostError once the lease may have passed to another run: before every write its holder makes. */
  assertHeld(): void {
    if (this.lost || this.now() >= this.heldUntil) {
      this.lost = true;
      throw new LeaseLostError(`the ${this.name} lease ran out before the run finished`);
    }
  }

  /**
   * Gives the lease up by letting it expire now; the row stays, so the next holder's epoch is higher still. A lease
   * already lost is not an error.
   */
  async release(): Promise<void> {
    if (this.lost) return;
    this.lost = true;
    const expired = { ...this.entity(this.now(), this.epoch), expiresAt: new Date(0).toISOString() };
    try {
      await this.table.updateEntity(expired, "Replace", { etag: this.etag });
    } catch (error) {
      if (statusOf(error) !== 412 && statusOf(error) !== 404) throw error;
    }
  }

  private held(epoch: number, asked: number): void {
    this.epoch = epoch;
    this.heldUntil = asked + this.durationMs - SAFETY_MS;
  }

  private async create(entity: LeaseEntity): Promise<string> {
    try {
      return (await this.table.createEntity(entity)).etag ?? "";
    } catch (error) {
      if (statusOf(error) === 409) throw new LeaseTakenError(`a ${this.name} run is in progress`);
      throw error;
    }
  }

  private entity(asked: number, epoch: number): LeaseEntity {
    return { ...this.keys, owner: this.owner, epoch, expiresAt: new Date(asked + this.durationMs).toISOString() };
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number } | null)?.statusCode;
}
