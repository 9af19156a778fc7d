import { z } from "zod";
import { badRequest } from "./apiError";

/** Upstream property names: letters, digits, `_`, and the `@odata.` style punctuation. */
const FIELD_NAME = /^[A-Za-z@_][A-Za-z0-9@_.$-]{0,99}$/;

/**
 * `fields=a,b,c`: the properties to keep, in that order (also the CSV columns). Problems are one issue on the
 * parameter itself, in words that say what is wrong, not the validation library's path into the split list.
 */
export const fieldsParam = z
  .string()
  .max(4000, "longer than 4000 characters")
  .transform((text, context) => {
    const names = text.split(",").map((name) => name.trim());
    const problem = fieldsProblem(names);
    if (problem === undefined) return names;
    context.addIssue({ code: "custom", message: problem });
    return z.NEVER;
  })
  .optional()
  .describe("comma-separated property names to keep, in this order; also the CSV columns");

function fieldsProblem(names: readonly string[]): string | undefined {
  const bad = names.find((name) => !FIELD_NAME.test(name));
  if (bad === "") return "an empty name; separate property names with single commas, such as id,displayName";
  if (bad !== undefined) return `${JSON.stringify(bad.slice(0, 100))} is not a property name such as displayName`;
  if (names.length > 100) return `${names.length} names; at most 100`;
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  return twice === undefined ? undefined : `"${twice}" is named twice`;
}

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
