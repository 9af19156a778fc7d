/** The four scanner calls, each with a budget of its own. */
export const SCANNER_CALLS = ["modified", "getInfo", "scanStatus", "scanResult"] as const;
export type ScannerCall = (typeof SCANNER_CALLS)[number];

/** The service's budgets per hour (per window, when the window is shortened). */
export const SCANNER_LIMITS: Readonly<Record<ScannerCall, number>> = {
  modified: 30,
  getInfo: 500,
  scanStatus: 10_000,
  scanResult: 500,
};

/** A budget's state in the current window. */
export interface BudgetState {
  readonly limit: number;
  readonly used: number;
  readonly remaining: number;
  /** Milliseconds until the window ends and every budget refills. */
  readonly resetsInMs: number;
}

/**
 * Per-call budgets over fixed windows of `windowMs` counted from `origin` (the tenant's start), on an injectable
 * clock: a window of 2 s makes a "2-hour" scan take seconds.
 */
export class ScannerBudgets {
  private window = 0;
  private readonly used = new Map<ScannerCall, number>();
  private readonly limits: Record<ScannerCall, number>;

  constructor(
    private readonly now: () => number,
    private readonly origin: number,
    readonly windowMs: number,
    limits: Readonly<Record<ScannerCall, number>>,
  ) {
    this.limits = { ...limits };
  }

  /** Spends one call; when the window's budget is spent, the seconds until it refills (Retry-After, at least 1). */
  spend(call: ScannerCall): { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number } {
    this.roll();
    const used = this.used.get(call) ?? 0;
    if (used >= this.limits[call]) {
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(this.resetsInMs() / 1000)) };
    }
    this.used.set(call, used + 1);
    return { ok: true };
  }

  state(call: ScannerCall): BudgetState {
    this.roll();
    const used = this.used.get(call) ?? 0;
    const limit = this.limits[call];
    return { limit, used, remaining: Math.max(0, limit - used), resetsInMs: this.resetsInMs() };
  }

  /** Refills every budget now, as if the window had passed (the window boundaries stay where they are). */
  reset(): void {
    this.used.clear();
  }

  /** Sets the budget of one call per window, keeping what was spent in this window. */
  setLimit(call: ScannerCall, calls: number): void {
    if (!Number.isSafeInteger(calls) || calls < 0)
      throw new RangeError(`the ${call} limit must be a non-negative integer`);
    this.limits[call] = calls;
  }

  private resetsInMs(): number {
    return this.origin + (this.window + 1) * this.windowMs - this.now();
  }

  private roll(): void {
    const window = Math.max(0, Math.floor((this.now() - this.origin) / this.windowMs));
    if (window !== this.window) {
      this.window = window;
      this.used.clear();
    }
  }
}
