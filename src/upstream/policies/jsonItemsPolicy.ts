import type { Readable } from "node:stream";
import { RestError, type PipelinePolicy, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { indexJsonItems, JsonSyntaxError, type JsonItems } from "../jsonItems";

export const jsonItemsPolicyName = "inventoryJsonItemsPolicy";

/** Successful answers come as a stream, which this policy reads; errors keep their text for UpstreamError. */
const SUCCESS = new Set([200, 201, 202, 203, 206]);

const wanted = new WeakMap<PipelineRequest, readonly string[]>();
const indexed = new WeakMap<PipelineResponse, JsonItems>();

/** Marks `request` to have its successful body read as JsonItems, the arrays named by `members` item by item. */
export function readAsJsonItems(request: PipelineRequest, members: readonly string[]): void {
  wanted.set(request, members);
  request.streamResponseStatusCodes = SUCCESS;
}

/** What jsonItemsPolicy read from a successful response to a request marked by readAsJsonItems. */
export function jsonItemsOf(response: PipelineResponse): JsonItems | undefined {
  return indexed.get(response);
}

/**
 * Reads a marked request's successful body whole, as bytes, and checks and indexes it (jsonItems.ts), inside the
 * retry loop and the attempt's deadline: a body that breaks off, stalls or is not JSON fails this attempt and the
 * page is fetched again before any of its items is handed out, so a retried page never yields an item twice. The
 * items are parsed later, one at a time, as the caller takes them. Holding the bytes rather than parsing while they
 * arrive is deliberate: the caller writes each item to storage before it takes the next, and a connection held open
 * at storage speed would outlast the service's own timeout (Power BI's is 30 s a call).
 */
export function jsonItemsPolicy(): PipelinePolicy {
  return {
    name: jsonItemsPolicyName,
    async sendRequest(request, next) {
      const members = wanted.get(request);
      const response = await next(request);
      const stream = response.readableStreamBody;
      if (members === undefined || stream === undefined) return response;
      const path = new URL(request.url).pathname;
      const chunks = await readBody(stream as Readable, request, path);
      try {
        indexed.set(response, indexJsonItems(chunks, members));
      } catch (error) {
        if (!(error instanceof JsonSyntaxError)) throw error;
        // Status-less, like a dropped connection: the retry policy tries again (a truncated body usually is one).
        throw new RestError(`the response body of ${path} is not valid JSON (${error.message})`, {
          code: "PARSE_ERROR",
        });
      }
      return response;
    },
  };
}

/**
 * The whole body, as the chunks it came in (joining them would hold it twice for a while). The transport does not pass an abort on to a decompressing stream, so the attempt's signal
 * (its deadline, or the run stopping) destroys the stream here; that error stays what it was, and any other
 * failure while reading becomes a status-less RestError, which the retry policy treats as a dropped connection.
 */
async function readBody(stream: Readable, request: PipelineRequest, path: string): Promise<Buffer[]> {
  const signal = request.abortSignal;
  // An AbortError, as the transport's own: the timeout policy names it a timeout when its deadline fired.
  const abort = () => stream.destroy(Object.assign(new Error(`reading ${path} was aborted`), { name: "AbortError" }));
  if (signal?.aborted === true) abort();
  signal?.addEventListener("abort", abort, { once: true });
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  } catch (error) {
    if (signal?.aborted === true) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new RestError(`the response body of ${path} broke off: ${reason}`, { code: "REQUEST_SEND_ERROR" });
  } finally {
    signal?.removeEventListener("abort", abort);
  }
  return chunks;
}
