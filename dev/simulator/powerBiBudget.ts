/** The admin API's call budget: once spent, calls answer 429 until reset (the real one refills hourly). */
export class PowerBiBudget {
  private used = 0;

  constructor(
    private calls = Number.POSITIVE_INFINITY,
    private retryAfter = 3600,
  ) {}

  get retryAfterSeconds(): number {
    return this.retryAfter;
  }

  /** Spends one call; false when nothing was left. */
  spend(): boolean {
    if (this.used >= this.calls) return false;
    this.used += 1;
    return true;
  }

  /** Calls left before the next 429 (Infinity when unlimited). */
  remaining(): number {
    return this.calls - this.used;
  }

  /** Refills the budget, as the passing hour does. */
  reset(): void {
    this.used = 0;
  }

  /** Sets a new budget of `calls`, refilled now, answering `retryAfterSeconds` once spent. */
  limit(calls: number, retryAfterSeconds: number): void {
    if (!Number.isSafeInteger(calls) || calls < 0) throw new RangeError("calls must be a non-negative integer");
    if (!Number.isSafeInteger(retryAfterSeconds) || retryAfterSeconds < 0) {
      throw new RangeError("retryAfterSeconds must be a non-negative integer");
    }
    this.calls = calls;
    this.retryAfter = retryAfterSeconds;
    this.used = 0;
  }
}
