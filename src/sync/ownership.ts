import { LeaseLostError, type Lease } from "../store/lease";
import { safeMessage } from "../common/safeMessage";

/** Lease renewals per lease period while a run works: one late or failed renewal still leaves time for the next. */
const RENEWALS_PER_LEASE = 5;

/**
 * A run's hold on its kind: the lease, renewed on a timer whatever the run is doing (a page can take minutes to
 * arrive), and one signal that tells everything the run waits on to stop, raised when the lease is lost or when
 * the caller stops the run.
 */
export class Ownership {
  private readonly controller: AbortController;
  private readonly timer: NodeJS.Timeout;
  private renewing = false;
  private lostReason: string | undefined;

  constructor(
    readonly lease: Lease,
    private readonly stopped: AbortSignal | undefined,
    log: (message: string) => void,
    heartbeatMs = lease.durationMs / RENEWALS_PER_LEASE,
    controller = new AbortController(),
  ) {
    this.controller = controller;
    if (stopped?.aborted === true) controller.abort();
    this.timer = setInterval(() => void this.beat(log), heartbeatMs);
    // The heartbeat alone must not keep a process alive whose work is done.
    this.timer.unref();
    stopped?.addEventListener("abort", this.stopWork);
  }

  /** Raised when the lease is lost or the caller stops the run. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once the lease was lost: the run must touch nothing more. */
  get lost(): boolean {
    return this.lostReason !== undefined;
  }

  /** True once the caller asked the run to stop (the host shutting down): it pauses at its last checkpoint. */
  get stopping(): boolean {
    return this.stopped?.aborted === true;
  }

  /** Throws LeaseLostError unless the lease is still certainly held: before every write the run makes. */
  assertHeld(): void {
    if (this.lostReason !== undefined) throw new LeaseLostError(this.lostReason);
    try {
      this.lease.assertHeld();
    } catch (error) {
      this.lose(safeMessage(error));
      throw error;
    }
  }

  /** The run learnt some other way (a manifest changed under it) that another run took over. */
  lose(reason: string): LeaseLostError {
    this.lostReason ??= reason;
    this.controller.abort();
    return new LeaseLostError(this.lostReason);
  }

  stop(): void {
    clearInterval(this.timer);
    this.stopped?.removeEventListener("abort", this.stopWork);
  }

  private readonly stopWork = () => this.controller.abort();

  private async beat(log: (message: string) => void): Promise<void> {
    if (this.renewing || this.lost) return;
    this.renewing = true;
    try {
      await this.lease.renew();
    } catch (error) {
      if (error instanceof LeaseLostError) this.lose(error.message);
      // A storage hiccup: the next beat tries again, and assertHeld stops the run if none gets through in time.
      else log(`Could not renew the ${this.lease.name} lease: ${safeMessage(error)}`);
    } finally {
      this.renewing = false;
    }
  }
}
