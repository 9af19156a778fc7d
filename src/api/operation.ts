import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { z } from "zod";
import type { ApiContext } from "./apiContext";
import type { ApiHandler, PlainHandler } from "./httpHandler";
import { parsePath, parseQuery } from "./query";

/** A success answer as documented: its JSON body schema, and other media types the route can stream instead. */
export interface ResponseDoc {
  status: number;
  description: string;
  schema?: z.ZodType;
  /** Media type → description, e.g. `text/csv`. */
  media?: Readonly<Record<string, string>>;
  headers?: Readonly<Record<string, string>>;
}

/** What the OpenAPI document says about a route; `path` and `query` are the very schemas that validate it. */
export interface OperationDoc<Q extends z.ZodObject = z.ZodObject, P extends z.ZodObject = z.ZodObject> {
  summary: string;
  description?: string;
  tags: readonly string[];
  path: P;
  query: Q;
  responses: readonly ResponseDoc[];
  /** Client error statuses besides 400 for bad input. */
  errors?: readonly (404 | 409)[];
  /** Answers carry an ETag and honour If-None-Match. */
  conditional?: boolean;
}

/** Input a route has validated: its path and query parameters. */
export interface Input<Q extends z.ZodObject, P extends z.ZodObject> {
  query: z.output<Q>;
  path: z.output<P>;
}

export interface Operation {
  doc: OperationDoc;
  handler: ApiHandler;
}

export interface PlainOperation {
  doc: OperationDoc;
  handler: PlainHandler;
}

/** A route whose handler always validates with the schemas its documentation shows. */
export function operation<Q extends z.ZodObject, P extends z.ZodObject>(
  doc: OperationDoc<Q, P>,
  handle: (
    input: Input<Q, P>,
    request: HttpRequest,
    api: ApiContext,
    context: InvocationContext,
  ) => Promise<HttpResponseInit>,
): Operation {
  return { doc, handler: (request, api, context) => handle(validate(doc, request), request, api, context) };
}

/** The same for a route that needs no storage. */
export function plainOperation<Q extends z.ZodObject, P extends z.ZodObject>(
  doc: OperationDoc<Q, P>,
  handle: (input: Input<Q, P>, request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>,
): PlainOperation {
  return { doc, handler: (request, context) => handle(validate(doc, request), request, context) };
}

function validate<Q extends z.ZodObject, P extends z.ZodObject>(doc: OperationDoc<Q, P>, request: HttpRequest) {
  return { path: parsePath(request, doc.path), query: parseQuery(request, doc.query) };
}
