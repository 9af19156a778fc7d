import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { ApiError } from "./apiError";
import type { ApiContext } from "./apiContext";
import { safeMessage } from "../common/safeMessage";

export type ApiHandler = (
  request: HttpRequest,
  api: ApiContext,
  context: InvocationContext,
) => Promise<HttpResponseInit>;

/** A handler that needs no storage (health, the OpenAPI document). */
export type PlainHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

/** JSON answer with the status given. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, jsonBody: body, headers };
}

/** The error shape of every failure (PRODUCT.md); errors are never cached. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  details: Readonly<Record<string, string>> = {},
): HttpResponseInit {
  return json({ error: { code, message, ...details } }, status, { "Cache-Control": "no-store" });
}

/**
 * Wraps an API handler: bad input becomes its 4xx, anything unexpected a 500 that says only what is safe, and the
 * full story goes to the log.
 */
export function apiHandler(handler: ApiHandler, api: () => Promise<ApiContext>): HttpHandler {
  return plainHandler(async (request, context) => handler(request, await api(), context));
}

/** The same error mapping for a handler that needs no API context. */
export function plainHandler(handler: PlainHandler): HttpHandler {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      if (error instanceof ApiError) return errorResponse(error.status, error.code, error.message, error.details);
      context.error(`Request ${request.method} ${new URL(request.url).pathname} failed: ${safeMessage(error)}`);
      return errorResponse(500, "InternalError", `the request failed (invocation ${context.invocationId})`);
    }
  };
}
