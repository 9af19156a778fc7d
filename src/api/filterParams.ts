import { odata } from "@azure/data-tables";
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

/** Rows whose `name` column (lower-cased text) starts with `prefix`, in any case: a range of that column. */
export function namePrefixCondition(prefix: string): string {
  const from = prefix.toLowerCase();
  const to = prefixSuccessor(from);
  return to === undefined ? odata`name ge ${from}` : odata`(name ge ${from} and name lt ${to})`;
}
