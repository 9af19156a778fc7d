/** Which upstream service answered; used in messages and counters. */
export type UpstreamService = "graph" | "powerbi";

interface UpstreamErrorInit {
  service: UpstreamService;
  status: number | undefined;
  serviceCode: string | undefined;
  requestId: string | undefined;
  path: string;
  detail: string;
  /** Set when the service asked us to wait longer than an invocation can afford. */
  retryAfterMs?: number;
}

/**
 * The one error type for Graph and Power BI calls. It carries status, service code and request id, and never the
 * request's headers or query values, so it is safe to log and store.
 */
export class UpstreamError extends Error {
  override readonly name = "UpstreamError";
  readonly service: UpstreamService;
  readonly status: number | undefined;
  readonly serviceCode: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  /** The path called, and what went wrong in the service's words: what a caller needs to say more. */
  readonly path: string;
  readonly detail: string;

  constructor(init: UpstreamErrorInit) {
    const status = init.status === undefined ? "failed" : `answered ${init.status}`;
    const code = init.serviceCode === undefined ? "" : ` ${init.serviceCode}`;
    const request = init.requestId === undefined ? "" : ` (request-id ${init.requestId})`;
    super(`${init.service} ${init.path} ${status}${code}: ${init.detail}${request}`);
    this.service = init.service;
    this.status = init.status;
    this.serviceCode = init.serviceCode;
    this.requestId = init.requestId;
    this.retryAfterMs = init.retryAfterMs;
    this.path = init.path;
    this.detail = init.detail;
  }

  /** True when the service throttled us for longer than we may wait: save the position and resume later. */
  get isLongThrottle(): boolean {
    return this.retryAfterMs !== undefined;
  }
}
