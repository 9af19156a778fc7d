import type { TokenCredential } from "@azure/core-auth";
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createEmptyPipeline,
  createPipelineRequest,
  decompressResponsePolicy,
  isRestError,
  logPolicy,
  redirectPolicy,
  userAgentPolicy,
  type HttpClient,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import type { JsonItems } from "./jsonItems";
import { jsonBodyPolicy, parsedJson } from "./policies/jsonBodyPolicy";
import { jsonItemsOf, jsonItemsPolicy, readAsJsonItems } from "./policies/jsonItemsPolicy";
import { retryPolicy, type RetryOptions } from "./policies/retryPolicy";
import { timeoutPolicy } from "./policies/timeoutPolicy";
import { UpstreamError, type UpstreamService } from "./upstreamError";
import { bindRun, runOf, type UpstreamRun, type UpstreamStats } from "./upstreamRun";

export interface UpstreamClientOptions {
  service: UpstreamService;
  baseUrl: string;
  scope: string;
  credential: TokenCredential;
  retry?: Partial<RetryOptions>;
  /** Deadline of each attempt, body included; Power BI's own server timeout is 30 s. */
  timeoutMs?: number;
  httpClient?: HttpClient;
}

/** One call: `path` is relative to the base URL, or an absolute next link the service gave us. */
export interface UpstreamRequest {
  method?: "GET" | "POST";
  path: string;
  query?: Record<string, string | undefined>;
  /** Sent as JSON. */
  body?: unknown;
}

/** Calls one upstream service for JSON through the shared pipeline. */
export interface UpstreamClient {
  readonly service: UpstreamService;
  /** GET `pathOrUrl` (relative to the base URL, or an absolute next link the service gave us). */
  getJson(pathOrUrl: string, query?: Record<string, string | undefined>): Promise<unknown>;
  /** Any call; a POST is retried only where the service surely did not act on it (see retryPolicy). */
  send(request: UpstreamRequest): Promise<unknown>;
  /**
   * GET a JSON object whose `members` arrays are long (a page of 5,000 workspaces): they are read item by item, so
   * memory holds the body's bytes and the items in hand rather than the whole page as objects (jsonItems.ts).
   */
  getJsonItems(
    pathOrUrl: string,
    query: Record<string, string | undefined> | undefined,
    members: readonly string[],
  ): Promise<JsonItems>;
  /** The same client for one run: its calls count in `run.stats` and stop when `run.signal` aborts. */
  forRun(run: UpstreamRun): UpstreamClient;
  /** Calls sent through this view, retries included; benchmarks compare these with the minimum. */
  readonly stats: UpstreamStats;
}

export const USER_AGENT = "tenant-inventory/0.1";

export const DEFAULT_TIMEOUT_MS = 60_000;

export const DEFAULT_RETRY: RetryOptions = {
  maxRetries: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Builds the one HTTP seam: user agent, redirects, redacted logging, bounded retries, JSON parsing, bearer token.
 * Built once per process and service; each run uses a view of it (`forRun`).
 */
export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  const onRetry = retry.onRetry;
  retry.onRetry = (info, request) => {
    const run = runOf(request);
    if (run !== undefined) run.stats.retries++;
    onRetry?.(info, request);
  };
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(userAgentPolicy({ userAgentPrefix: USER_AGENT }));
  pipeline.addPolicy(decompressResponsePolicy());
  pipeline.addPolicy(redirectPolicy());
  pipeline.addPolicy(retryPolicy(options.service, retry));
  // Inside the retry loop, so each attempt gets a fresh deadline and a timed-out attempt is retried.
  pipeline.addPolicy(timeoutPolicy(options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
  pipeline.addPolicy(jsonBodyPolicy());
  pipeline.addPolicy(jsonItemsPolicy());
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: options.credential, scopes: options.scope }));
  pipeline.addPolicy({
    name: "inventoryCountRequests",
    sendRequest: (request, next) => {
      const run = runOf(request);
      if (run !== undefined) run.stats.requests++;
      return next(request);
    },
  });
  // Innermost, so each try is logged; core's logPolicy redacts Authorization and unknown query values.
  pipeline.addPolicy(logPolicy());
  const httpClient = options.httpClient ?? createDefaultHttpClient();
  const baseUrl = options.baseUrl.replace(/\/+$/, "");

  const origin = new URL(baseUrl).origin;

  /** One call; with `members`, its successful body is read as JsonItems instead of parsed whole. */
  const send = async (call: UpstreamRequest, run: UpstreamRun, members?: readonly string[]): Promise<unknown> => {
    const url = new URL(/^https?:\/\//.test(call.path) ? call.path : `${baseUrl}${call.path}`);
    // A next link is the service's to choose, but our bearer token must never travel to another host.
    if (url.origin !== origin) {
      throw new UpstreamError({
        service: options.service,
        status: undefined,
        serviceCode: "ForeignLink",
        requestId: undefined,
        path: url.pathname,
        detail: `refusing to send a token to ${url.origin}, which is not ${origin}`,
      });
    }
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    const request = createPipelineRequest({
      url: url.toString(),
      method: call.method ?? "GET",
      ...(run.signal === undefined ? {} : { abortSignal: run.signal }),
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
    });
    request.headers.set("accept", "application/json");
    if (call.body !== undefined) request.headers.set("content-type", "application/json");
    bindRun(request, run);
    if (members !== undefined) readAsJsonItems(request, members);
    let response: PipelineResponse;
    try {
      response = await pipeline.sendRequest(httpClient, request);
    } catch (error) {
      throw toUpstreamError(options.service, url.pathname, error);
    }
    if (response.status < 200 || response.status >= 300) throw errorFromResponse(options.service, url, response);
    return members === undefined ? parsedJson(response) : jsonItemsOf(response);
  };

  const view = (run: UpstreamRun): UpstreamClient => ({
    service: options.service,
    stats: run.stats,
    getJson: (path, query) => send({ path, ...(query === undefined ? {} : { query }) }, run),
    send: (call) => send(call, run),
    getJsonItems: async (path, query, members) =>
      (await send({ path, ...(query === undefined ? {} : { query }) }, run, members)) as JsonItems,
    forRun: view,
  });
  return view({ stats: { requests: 0, retries: 0 } });
}

function toUpstreamError(service: UpstreamService, path: string, error: unknown): unknown {
  if (error instanceof UpstreamError || !isRestError(error)) return error;
  return new UpstreamError({
    service,
    status: error.statusCode,
    serviceCode: error.code,
    requestId: undefined,
    path,
    detail: error.message,
  });
}

/** Graph and Power BI both answer `{"error":{"code","message"}}`; Power BI sometimes nests it in `pbi.error`. */
function errorFromResponse(service: UpstreamService, url: URL, response: PipelineResponse): UpstreamError {
  let serviceCode: string | undefined;
  let detail = `HTTP ${response.status}`;
  try {
    const body = JSON.parse(response.bodyAsText ?? "") as {
      error?: { code?: unknown; message?: unknown; "pbi.error"?: { code?: unknown } };
    };
    const code = body.error?.code ?? body.error?.["pbi.error"]?.code;
    if (typeof code === "string") serviceCode = code;
    if (typeof body.error?.message === "string") detail = body.error.message.slice(0, 500);
  } catch {
    // Not JSON: the status alone tells the story.
  }
  return new UpstreamError({
    service,
    status: response.status,
    serviceCode,
    requestId:
      response.headers.get("request-id") ??
      response.headers.get("requestid") ??
      response.headers.get("x-ms-request-id") ??
      undefined,
    path: url.pathname,
    detail,
  });
}
