import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { ApiError } from "./apiError";
import type { ApiContext } from "./apiContext";
import { safeMessage } from "../sync/safeMessage";

export type ApiHandler = (
  request: HttpRequest,
  api: ApiContext,
  context: InvocationContext,
) => Promise<HttpResponseInit>;

/** JSON answer with the status given. */
export function json(body: unknown, status = 200): HttpResponseInit {
  return { status, jsonBody: body };
}

/** The error shape of every failure (PRODUCT.md). */
export function errorResponse(status: number, code: string, message: string): HttpResponseInit {
  return json({ error: { code, message } }, status);
}

/**
 * Wraps an API handler: bad input becomes its 4xx, anything unexpected a 500 that says only what is safe, and the
 * full story goes to the log.
 */
export function apiHandler(handler: ApiHandler, api: () => Promise<ApiContext>): HttpHandler {
  return async (request, context) => {
    try {
      return await handler(request, await api(), context);
    } catch (error) {
      if (error instanceof ApiError) return errorResponse(error.status, error.code, error.message);
      context.error(`Request ${request.method} ${new URL(request.url).pathname} failed: ${safeMessage(error)}`);
      return errorResponse(500, "InternalError", `the request failed (invocation ${context.invocationId})`);
    }
  };
}
