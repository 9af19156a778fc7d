import type { HttpRequest } from "@azure/functions";
import { z } from "zod";
import { badRequest } from "./apiError";
import { describeIssue } from "../sources/sourcePage";

/** Parameters every route accepts: `code` carries the function key in Azure. */
const ALWAYS_ALLOWED = ["code"];

export const topParam = z.coerce.number().int().min(1).max(1000).default(100);
export const tokenParam = z.string().min(1).max(4096).optional();

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
  const parsed = schema.safeParse(values);
  if (!parsed.success) throw badRequest("InvalidParameter", describeIssue(parsed.error.issues));
  return parsed.data;
}
