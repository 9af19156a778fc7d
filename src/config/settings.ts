import { z } from "zod";
import { parseNcrontab } from "./ncrontab";

/* Reusable setting types: the base configuration and every kind's own settings are built from these. */

export const guidSetting = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a GUID");

export const httpsUrlSetting = z
  .url({ protocol: /^https$/, error: "must be an https:// URL" })
  .transform((value) => value.replace(/\/+$/, ""));

/** Text that may be left empty, which means unset. */
export const optionalTextSetting = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === "" ? undefined : value));

/** A whole number in [min, max], as app settings are text. */
export function integerSetting(min: number, max: number, fallback: number) {
  return z.coerce.number().int().min(min).max(max).default(fallback);
}

/** `true` or `false`, in any case. */
export function booleanSetting(fallback: boolean) {
  return z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(["true", "false"], { error: "must be true or false" }))
    .transform((value) => value === "true")
    .default(fallback);
}

/**
 * An NCRONTAB schedule, checked by the parser the local host fires timers with, so a schedule the host could not run
 * is refused when the configuration loads, with the setting's name and the field that is wrong.
 */
export function ncrontabSetting(fallback: string) {
  return z
    .string()
    .trim()
    .default(fallback)
    .superRefine((value, context) => {
      try {
        parseNcrontab(value);
      } catch (error) {
        context.addIssue({ code: "custom", message: `not a valid NCRONTAB schedule: ${(error as Error).message}` });
      }
    });
}

/** A comma-separated list of names from `allowed`, in the order given; empty items are ignored. */
export function listSetting<const T extends readonly [string, ...string[]]>(allowed: T, fallback: readonly string[]) {
  return z
    .string()
    .default(fallback.join(","))
    .transform((value) =>
      value
        .split(",")
        .map((part) => part.trim())
        .filter((part) => part !== ""),
    )
    .pipe(z.array(z.enum(allowed, { error: `each must be one of ${allowed.join(", ")}` })));
}
