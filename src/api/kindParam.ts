import { z } from "zod";

/** The `kind` query parameter of the generic routes: one of the registered kinds. */
export function kindParam(kinds: readonly string[], purpose: string) {
  const [first, ...rest] = kinds;
  if (first === undefined) throw new Error("no kind is registered");
  return z
    .enum([first, ...rest])
    .optional()
    .describe(`${kinds.join(", ")}; ${purpose}`);
}
