import { z } from "zod";
import { badRequest } from "./apiError";

/** Upstream property names: letters, digits, `_`, and the `@odata.` style punctuation. */
const FIELD_NAME = /^[A-Za-z@_][A-Za-z0-9@_.$-]{0,99}$/;

/** `fields=a,b,c`: the properties to keep, in that order (also the CSV columns). */
export const fieldsParam = z
  .string()
  .max(4000)
  .transform((text) => text.split(",").map((name) => name.trim()))
  .pipe(
    z
      .array(z.string().regex(FIELD_NAME, "each field must be a property name such as displayName"))
      .min(1)
      .max(100)
      .refine((names) => new Set(names).size === names.length, "a field is named twice"),
  )
  .optional()
  .describe("comma-separated property names to keep, in this order; also the CSV columns");

/** Names must be known properties of the kind (case matters), so a typo is a 400 rather than an empty column. */
export function checkFields(fields: readonly string[] | undefined, known: readonly string[]): void {
  const unknown = fields?.find((name) => !known.includes(name));
  if (unknown !== undefined) {
    throw badRequest("UnknownField", `fields: unknown property "${unknown}"; allowed: ${known.join(", ")}`);
  }
}

/** The item trimmed to `fields`, in their order; a property the item lacks is left out. */
export function pickFields(
  item: Record<string, unknown>,
  fields: readonly string[] | undefined,
): Record<string, unknown> {
  if (fields === undefined) return item;
  const picked: Record<string, unknown> = {};
  for (const name of fields) if (Object.hasOwn(item, name)) picked[name] = item[name];
  return picked;
}
