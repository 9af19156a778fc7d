import type { HttpRequest } from "@azure/functions";
import { z } from "zod";
import { badRequest } from "./apiError";
import { describeIssue } from "../common/describeIssue";

/** Parameters every route accepts: `code` carries the function key in Azure. */
const ALWAYS_ALLOWED = ["code"];

export const topParam = z.coerce
  .number()
  .int()
  .min(1)
  .max(1000)
  .default(100)
  .describe("items per page, 1..1000 (JSON pages only)");
export const tokenParam = z
  .string()
  .min(1)
  .max(4096)
  .optional()
  .describe("the previous page's continuationToken; opaque, bound to its route and snapshot");
/** `true` or `false`, as a query string says it. */
export const booleanParam = z.enum(["true", "false"]).transform((value) => value === "true");

/**
 * Parses a request's query with a zod object schema. Unknown or repeated parameters and bad values are 400s that
 * name the parameter and list what is allowed.
 */
export function parseQuery<S extends z.ZodObject>(request: HttpRequest, schema: S): z.output<S> {
  const allowed = [...Object.keys(schema.shape), ...ALWAYS_ALLOWED];
  const values: Record<string, string> = {};
  for (const [name, value] of request.query.entries()) {
    if (!allowed.includes(name)) {
      throw badRequest(
        "UnknownParameter",
        `unknown query parameter "${name.slice(0, 100)}"; allowed: ${allowed.join(", ")}`,
      );
    }
    if (name in values) throw badRequest("RepeatedParameter", `query parameter "${name}" is given more than once`);
    values[name] = value;
  }
  delete values.code;
  const parsed = schema.safeParse(values);
  if (!parsed.success) throw badRequest("InvalidParameter", describeIssue(parsed.error.issues));
  return parsed.data;
}

/** Parses the route's path parameters with a zod object schema; a bad value is a 400 that says what is allowed. */
export function parsePath<S extends z.ZodObject>(request: HttpRequest, schema: S): z.output<S> {
  const parsed = schema.safeParse({ ...request.params });
  if (!parsed.success) throw badRequest("InvalidParameter", describeIssue(parsed.error.issues));
  return parsed.data;
}
