import {
  isRestError,
  RestError,
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { UpstreamError, type UpstreamService } from "../upstreamError";

export interface RetryOptions {
  /** Retries after the first try. */
  maxRetries: number;
  /** Base of the exponential backoff when the service gives no Retry-After. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not slept through: the call fails with `retryAfterMs` set. */
  maxRetryAfterMs: number;
  /** Injectable so tests run on fake time. */
  sleep: (ms: number) => Promise<void>;
  /** Told about every retry, so syncs can count and report them. */
  onRetry?: (info: { status: number | undefined; delayMs: number; attempt: number }, request: PipelineRequest) => void;
}

export const retryPolicyName = "inventoryRetryPolicy";

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
/**
 * What a POST may be retried on: a 429 is a refusal before any work. A 5xx, a timeout or a dropped connection may
 * come after the service acted (a scan submitted), so a blind retry could act twice; the caller decides instead.
 */
const RETRYABLE_POST_STATUS = new Set([429]);

/**
 * Bounded retries honouring Retry-After (429/503) and backing off exponentially on 408/5xx, network errors and
 * unparseable bodies (for GETs; see RETRYABLE_POST_STATUS). Unlike core's retry policies its sleep is injectable,
 * and an over-long Retry-After becomes an error the caller can resume from instead of a sleep that outlives the
 * invocation.
 */
export function retryPolicy(service: UpstreamService, options: RetryOptions): PipelinePolicy {
  return {
    name: retryPolicyName,
    async sendRequest(request, next) {
      const idempotent = request.method === "GET";
      const retryable = idempotent ? RETRYABLE_STATUS : RETRYABLE_POST_STATUS;
      for (let attempt = 0; ; attempt++) {
        let response: PipelineResponse | undefined;
        let failure: unknown;
        try {
          response = await next(request);
          if (!retryable.has(response.status)) return response;
        } catch (error) {
          // A broken pipe means the request was never written: safe to send again, even a POST.
          if (!isRetryableError(error) || (!idempotent && (error as { code?: unknown }).code !== "EPIPE")) throw error;
          failure = error;
        }
        const retryAfterMs = response === undefined ? undefined : parseRetryAfter(response);
        // A 429 without Retry-After refuses a POST for another reason than a budget (Power BI's scanner: too many
        // scans at once); waiting blindly would not help, so the caller hears of it at once.
        if (!idempotent && retryAfterMs === undefined && response !== undefined) return response;
        if (retryAfterMs !== undefined && retryAfterMs > options.maxRetryAfterMs) {
          throw new UpstreamError({
            service,
            status: response?.status,
            serviceCode: "Throttled",
            requestId: response?.headers.get("request-id") ?? response?.headers.get("requestid") ?? undefined,
            path: new URL(request.url).pathname,
            detail: `asked to retry after ${Math.round(retryAfterMs / 1000)} s, longer than this run may wait`,
            retryAfterMs,
          });
        }
        if (attempt >= options.maxRetries) {
          if (response !== undefined) return response;
          throw failure;
        }
        const delayMs = retryAfterMs ?? backoff(attempt, options);
        options.onRetry?.({ status: response?.status, delayMs, attempt: attempt + 1 }, request);
        await sleepUnlessAborted(options.sleep, delayMs, request.abortSignal);
      }
    },
  };
}

/** A run that must stop (its lease was lost) does not sit out a backoff first. */
async function sleepUnlessAborted(
  sleep: (ms: number) => Promise<void>,
  ms: number,
  signal: PipelineRequest["abortSignal"],
): Promise<void> {
  if (signal === undefined) return sleep(ms);
  let stop: () => void = () => undefined;
  const aborted = new Promise<void>((resolve) => {
    stop = resolve;
    signal.addEventListener("abort", stop, { once: true });
  });
  try {
    await Promise.race([sleep(ms), aborted]);
  } finally {
    signal.removeEventListener("abort", stop);
  }
  if (signal.aborted) throw new RestError("the run stopped during a retry wait", { code: "REQUEST_ABORTED" });
}

function isRetryableError(error: unknown): boolean {
  if (!isRestError(error)) return false;
  // Status-less RestErrors are transport failures (reset, timeout, DNS) or a body we could not parse.
  return error.statusCode === undefined;
}

function backoff(attempt: number, options: RetryOptions): number {
  const exponential = options.baseDelayMs * 2 ** attempt;
  const jittered = exponential * (0.8 + Math.random() * 0.4);
  return Math.min(options.maxDelayMs, Math.round(jittered));
}

/** Reads `retry-after-ms`, `x-ms-retry-after-ms` or `Retry-After` (seconds or an HTTP date). */
export function parseRetryAfter(response: PipelineResponse, now: number = Date.now()): number | undefined {
  for (const header of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value = Number(response.headers.get(header));
    if (response.headers.has(header) && Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = response.headers.get("retry-after");
  if (retryAfter === undefined) return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
