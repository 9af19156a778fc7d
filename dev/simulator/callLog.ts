import type { FaultKind } from "./faultInjector";
import type { SimulatorRoute } from "./simulatorRoute";

/** One request the simulated tenant received. `status` is 0 when it sent no HTTP answer (reset, held). */
export interface CallRecord {
  readonly route: SimulatorRoute;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly fault?: FaultKind;
}

const KEEP_RECORDS = 1000;

/** Counts the simulated tenant's calls and remembers every access token it issued, for tests to assert on. */
export class CallLog {
  private readonly counts = new Map<string, number>();
  private readonly recent: CallRecord[] = [];
  private readonly tokens: string[] = [];

  /** Calls to `route` (all routes when omitted) answered with `status` (any status when omitted). */
  count(route?: SimulatorRoute, status?: number): number {
    return this.counts.get(`${route ?? "*"} ${status ?? "*"}`) ?? 0;
  }

  /** The most recent calls (up to 1,000), oldest first. */
  records(): readonly CallRecord[] {
    return [...this.recent];
  }

  /** Every access token issued by the token and managed-identity endpoints, so tests can scan logs and tables for them. */
  get issuedTokens(): readonly string[] {
    return [...this.tokens];
  }

  record(call: CallRecord): void {
    for (const route of [call.route, "*"]) {
      for (const status of [String(call.status), "*"]) {
        const key = `${route} ${status}`;
        this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      }
    }
    this.recent.push(call);
    if (this.recent.length > KEEP_RECORDS) this.recent.shift();
  }

  recordToken(token: string): void {
    this.tokens.push(token);
  }

  /** Forgets counts and records; issued tokens are kept, since they stay secrets worth scanning for. */
  reset(): void {
    this.counts.clear();
    this.recent.length = 0;
  }
}
