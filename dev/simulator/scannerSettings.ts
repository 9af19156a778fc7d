import { SCANNER_CALLS, SCANNER_LIMITS, type ScannerCall } from "./scannerBudget";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Options of the simulated scanner (`scanner` in SimulatedTenantOptions); every time-based rule reads `now`. */
export interface ScannerOptions {
  /** The clock of windows, scan delays, expiry, `modifiedSince` bounds and edits. Default Date.now. */
  now?: () => number;
  /** Length of a budget window. Default 3,600,000 (an hour). */
  windowMs?: number;
  /** Calls per window; defaults modified 30, getInfo 500, scanStatus 10,000, scanResult 500. */
  limits?: Partial<Record<ScannerCall, number>>;
  /** Scans NotStarted or Running at once before getInfo answers 429 without Retry-After. Default 16. */
  maxConcurrentScans?: number;
  /** From getInfo to Succeeded (NotStarted the first half, Running the second). Default 2,000. */
  scanDelayMs?: number;
  /** How long a scan's status and result stay available. Default 24 hours. */
  resultLifetimeMs?: number;
  /** `modifiedSince` must be at least this long ago. Default 30 minutes. */
  modifiedSinceMinAgeMs?: number;
  /** `modifiedSince` must be at most this long ago. Default 30 days. */
  modifiedSinceMaxAgeMs?: number;
}

/** The options with their defaults filled in. */
export type ScannerSettings = Required<Omit<ScannerOptions, "limits">> & {
  readonly limits: Record<ScannerCall, number>;
};

function duration(name: string, value: number | undefined, fallback: number, positive = false): number {
  const result = value ?? fallback;
  if (!Number.isFinite(result) || result < 0 || (positive && result === 0)) {
    throw new RangeError(`scanner.${name} must be a ${positive ? "positive" : "non-negative"} number of milliseconds`);
  }
  return result;
}

/** The options with their defaults filled in; a bad one throws a RangeError that names it. */
export function settingsOf(options: ScannerOptions): ScannerSettings {
  const limits = { ...SCANNER_LIMITS, ...options.limits };
  for (const call of SCANNER_CALLS) {
    if (!Number.isSafeInteger(limits[call]) || limits[call] < 0) {
      throw new RangeError(`scanner.limits.${call} must be a non-negative integer`);
    }
  }
  const concurrent = options.maxConcurrentScans ?? 16;
  if (!Number.isSafeInteger(concurrent) || concurrent < 1) {
    throw new RangeError("scanner.maxConcurrentScans must be a positive integer");
  }
  return {
    now: options.now ?? Date.now,
    windowMs: duration("windowMs", options.windowMs, 60 * MINUTE, true),
    limits,
    maxConcurrentScans: concurrent,
    scanDelayMs: duration("scanDelayMs", options.scanDelayMs, 2000),
    resultLifetimeMs: duration("resultLifetimeMs", options.resultLifetimeMs, DAY, true),
    modifiedSinceMinAgeMs: duration("modifiedSinceMinAgeMs", options.modifiedSinceMinAgeMs, 30 * MINUTE),
    modifiedSinceMaxAgeMs: duration("modifiedSinceMaxAgeMs", options.modifiedSinceMaxAgeMs, 30 * DAY),
  };
}
