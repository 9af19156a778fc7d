import type { HttpRequest } from "@azure/functions";
import { z } from "zod";
import { badRequest } from "./apiError";

export const FORMATS = ["json", "csv", "ndjson"] as const;
export type Format = (typeof FORMATS)[number];

export const MEDIA_TYPES: Readonly<Record<Format, string>> = {
  json: "application/json",
  csv: "text/csv",
  ndjson: "application/x-ndjson",
};

/** `format=`; without it the Accept header decides, and JSON pages are the default. */
export const formatParam = z
  .enum(FORMATS)
  .optional()
  .describe("json (pages), or csv / ndjson (the whole selection in one stream); default from Accept, else json");

/**
 * The answer's format: `format=` if given, else the Accept media type with the highest quality among those this
 * route offers (ties and wildcards keep JSON, what every client copes with).
 */
export function chooseFormat(request: HttpRequest, given: Format | undefined, offered: readonly Format[]): Format {
  if (given !== undefined) {
    if (!offered.includes(given)) throw badRequest("InvalidParameter", `format: allowed: ${offered.join(", ")}`);
    return given;
  }
  let best: { format: Format; quality: number } = { format: "json", quality: 0 };
  for (const range of (request.headers.get("accept") ?? "").split(",")) {
    const [type = "", ...parameters] = range.split(";").map((part) => part.trim().toLowerCase());
    const q = parameters.find((parameter) => parameter.startsWith("q="));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    const format = offered.find((candidate) => mediaTypes(candidate).includes(type));
    if (format !== undefined && quality > best.quality) best = { format, quality };
    if ((type === "*/*" || type === "application/json") && quality >= best.quality && quality > 0) {
      best = { format: "json", quality };
    }
  }
  return best.format;
}

function mediaTypes(format: Format): string[] {
  return format === "ndjson" ? ["application/x-ndjson", "application/ndjson"] : [MEDIA_TYPES[format]];
}
