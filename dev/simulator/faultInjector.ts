import { SIMULATOR_ROUTES, type SimulatorRoute } from "./simulatorRoute";

/**
 * - `status`: answer `status` (default 503) with `body` (default the service's own error shape) and `Retry-After`.
 * - `reset`: destroy the connection without an answer.
 * - `slow`: hold the request; with `delayMs` answer normally afterwards, otherwise until the client gives up or close().
 * - `truncated`: the real answer, cut in half, on a connection that ends cleanly.
 * - `stalled`: the real status and headers and half the body, then nothing until the client gives up or close().
 * - `malformed`: the real status with a body that is not JSON.
 * - `rewrite`: the real answer passed through `rewrite` (e.g. to break one item of a page).
 */
export type FaultKind = "status" | "reset" | "slow" | "truncated" | "stalled" | "malformed" | "rewrite";

export interface Fault {
  readonly route: SimulatorRoute;
  readonly kind?: FaultKind;
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  /** How many requests the fault applies to (default 1). */
  readonly times?: number;
  /** How many requests to the route pass untouched before the fault starts (default 0), e.g. to fail page 3. */
  readonly after?: number;
  readonly body?: unknown;
  readonly delayMs?: number;
  readonly rewrite?: (body: unknown) => unknown;
}

/** A fault with its defaults filled in, as applied to one request. */
export type AppliedFault = Required<Pick<Fault, "route" | "kind" | "status">> &
  Pick<Fault, "retryAfterSeconds" | "body" | "delayMs" | "rewrite">;

interface Queued {
  readonly fault: AppliedFault;
  remaining: number;
  skip: number;
}

/** Per-route queues of faults; each request to a route consumes from the head of that route's queue. */
export class FaultInjector {
  private readonly queues = new Map<SimulatorRoute, Queued[]>();

  /** Queues a fault behind any already queued for the same route. */
  inject(fault: Fault): void {
    if (!SIMULATOR_ROUTES.includes(fault.route))
      throw new RangeError(`Unknown simulator route "${String(fault.route)}"`);
    const times = fault.times ?? 1;
    const after = fault.after ?? 0;
    if (!Number.isInteger(times) || times < 1) throw new RangeError("times must be a positive integer");
    if (!Number.isInteger(after) || after < 0) throw new RangeError("after must be a non-negative integer");
    const kind = fault.kind ?? "status";
    if (kind === "rewrite" && fault.rewrite === undefined)
      throw new RangeError("a rewrite fault needs a rewrite function");
    const applied: AppliedFault = { ...fault, kind, status: fault.status ?? 503 };
    const queue = this.queues.get(fault.route) ?? [];
    queue.push({ fault: applied, remaining: times, skip: after });
    this.queues.set(fault.route, queue);
  }

  /** Drops queued faults of one route, or of all routes. */
  clear(route?: SimulatorRoute): void {
    if (route === undefined) this.queues.clear();
    else this.queues.delete(route);
  }

  /** How many more requests queued faults will hit (for one route, or all). */
  pending(route?: SimulatorRoute): number {
    const queues = route === undefined ? [...this.queues.values()] : [this.queues.get(route) ?? []];
    return queues.flat().reduce((sum, queued) => sum + queued.remaining, 0);
  }

  /** The fault for the next request to `route`, if any; consumes one application of it. */
  take(route: SimulatorRoute): AppliedFault | undefined {
    const queue = this.queues.get(route);
    const head = queue?.[0];
    if (queue === undefined || head === undefined) return undefined;
    if (head.skip > 0) {
      head.skip -= 1;
      return undefined;
    }
    head.remaining -= 1;
    if (head.remaining === 0) queue.shift();
    return head.fault;
  }
}
