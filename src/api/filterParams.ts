import { z } from "zod";

/* Filter parameters many list routes share, and the OData conditions they become. */

// The service refuses control characters in a filter; refusing them here keeps that a 400 rather than a 500.
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
export const printableParam = z.string().regex(/^[^\u0000-\u001f\u007f]*$/, "must not contain control characters");

/** A GUID in any case (ids are compared lower-cased). */
export const guidParam = z.string().regex(/^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/, "must be a GUID");

/**
 * The least string greater than every string that starts with `prefix`: its last code point plus one. Code points,
 * not UTF-16 units, so the bound also holds where the service orders strings by their UTF-8 bytes. Undefined when
 * there is none (a prefix of U+10FFFF only).
 */
export function prefixSuccessor(prefix: string): string | undefined {
  const points = [...prefix];
  const last = points.pop()?.codePointAt(0);
  if (last === undefined) return undefined;
  if (last === 0x10ffff) return prefixSuccessor(points.join(""));
  // The surrogate range is not a character; the next one after it is U+E000.
  return points.join("") + String.fromCodePoint(last + 1 === 0xd800 ? 0xe000 : last + 1);
}

/** Rows whose `column` (lower-cased text) starts with `prefix`, in any case: a range of that column. */
export function prefixCondition(column: string, prefix: string): string {
  const from = prefix.toLowerCase();
  const to = prefixSuccessor(from);
  // The column is one of the app's own names; only the values come from the request, quoted as OData strings.
  return to === undefined
    ? `${column} ge ${odataString(from)}`
    : `(${column} ge ${odataString(from)} and ${column} lt ${odataString(to)})`;
}

/** An OData string literal: quotes doubled, as the odata`` tag writes them. */
function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Rows whose `name` column starts with `prefix`, in any case. */
export function namePrefixCondition(prefix: string): string {
  return prefixCondition("name", prefix);
}
