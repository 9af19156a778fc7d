import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";

/** A request as the route handlers see it, with its body already read. */
export interface SimRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A JSON object whose `value` array is produced lazily and streamed, so a page is never held as one string. */
export interface JsonPage {
  readonly head: Record<string, unknown>;
  readonly items: Iterable<unknown>;
}

export interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly json?: unknown;
  readonly page?: JsonPage;
}

export function jsonReply(status: number, json: unknown, headers?: Record<string, string>): Reply {
  return headers === undefined ? { status, json } : { status, json, headers };
}

/** `{"error":{"code","message"}}`, the error shape of Graph, Power BI and Key Vault. */
export function errorReply(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  return jsonReply(status, { error: { code, message } }, headers);
}

const BODY_LIMIT = 1024 * 1024;

/** Reads a request body up to 1 MiB; a larger one rejects. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new RangeError("request body over 1 MiB");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function* pageChunks(page: JsonPage): Generator<string> {
  const head = JSON.stringify(page.head);
  yield head === "{}" ? `{"value":[` : `${head.slice(0, -1)},"value":[`;
  let buffer = "";
  let first = true;
  for (const item of page.items) {
    buffer += (first ? "" : ",") + JSON.stringify(item);
    first = false;
    if (buffer.length >= 64 * 1024) {
      yield buffer;
      buffer = "";
    }
  }
  yield `${buffer}]}`;
}

/** The whole body of a reply as text (for faults that need to cut or rewrite it). */
export function replyText(reply: Reply): string {
  if (reply.page !== undefined) return [...pageChunks(reply.page)].join("");
  return reply.json === undefined ? "" : JSON.stringify(reply.json);
}

function baseHeaders(reply: Reply): Record<string, string> {
  return { "content-type": "application/json; charset=utf-8", ...reply.headers };
}

/** Writes a reply, streaming pages with backpressure; stops quietly when the client goes away. */
export async function writeReply(response: ServerResponse, reply: Reply): Promise<void> {
  if (reply.page === undefined) {
    writeText(response, reply.status, baseHeaders(reply), replyText(reply));
    return;
  }
  response.writeHead(reply.status, baseHeaders(reply));
  for (const chunk of pageChunks(reply.page)) {
    if (response.destroyed) return;
    if (!response.write(chunk)) await drained(response);
  }
  response.end();
}

/** Writes a complete text body. */
export function writeText(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  text: string,
): void {
  const body = Buffer.from(text, "utf8");
  response.writeHead(status, { ...headers, "content-length": String(body.length) });
  response.end(body);
}

function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off("drain", done);
      response.off("close", done);
      resolve();
    };
    response.on("drain", done);
    response.on("close", done);
  });
}
