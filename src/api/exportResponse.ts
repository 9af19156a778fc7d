import type { HttpResponseInit, InvocationContext } from "@azure/functions";
import { safeMessage } from "../common/safeMessage";
import { csvLines } from "./csv";
import { MEDIA_TYPES } from "./responseFormat";

/** Characters gathered before a chunk goes out: few writes, and memory bounded by this plus one store page. */
const CHUNK_CHARS = 64 * 1024;
const BOM = "\uFEFF";

export interface ExportOptions {
  format: "csv" | "ndjson";
  /** File name without extension, for Content-Disposition. */
  name: string;
  /** CSV columns, in order. */
  columns: readonly string[];
  /** Start the CSV with a UTF-8 byte order mark, which Excel needs to read it as UTF-8. */
  bom?: boolean;
}

/**
 * A streamed export: CSV or one JSON object per line, produced while the client reads (pull-based, so memory stays
 * bounded whatever the tenant's size). The first chunk is produced before answering, so a store that fails at the
 * start still gets a proper error response; a failure later can only cut the stream, and is logged.
 */
export async function exportResponse(
  items: AsyncIterable<Record<string, unknown>>,
  options: ExportOptions,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const lines = options.format === "csv" ? csvLines(options.columns, items) : ndjsonLines(items);
  const chunks = logged(chunked(lines, options.bom === true ? BOM : ""), context);
  const first = await chunks.next();
  return {
    status: 200,
    headers: {
      "Content-Type": `${MEDIA_TYPES[options.format]}; charset=utf-8${options.format === "csv" ? "; header=present" : ""}`,
      "Content-Disposition": `attachment; filename="${options.name}.${options.format}"`,
      "X-Content-Type-Options": "nosniff",
    },
    body: prepend(first, chunks),
  };
}

async function* ndjsonLines(items: AsyncIterable<unknown>): AsyncGenerator<string> {
  for await (const item of items) yield `${JSON.stringify(item)}\n`;
}

async function* chunked(lines: AsyncIterable<string>, start: string): AsyncGenerator<Uint8Array> {
  let pending = start;
  for await (const line of lines) {
    pending += line;
    if (pending.length >= CHUNK_CHARS) {
      yield Buffer.from(pending, "utf8");
      pending = "";
    }
  }
  if (pending.length > 0) yield Buffer.from(pending, "utf8");
}

async function* logged(chunks: AsyncGenerator<Uint8Array>, context: InvocationContext): AsyncGenerator<Uint8Array> {
  try {
    yield* chunks;
  } catch (error) {
    context.error(`Export stream failed after it started: ${safeMessage(error)}`);
    throw error;
  }
}

async function* prepend(
  first: IteratorResult<Uint8Array>,
  rest: AsyncGenerator<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  if (first.done === true) return;
  yield first.value;
  yield* rest;
}
