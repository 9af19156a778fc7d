import { STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

/** The whole request head (line and headers) Node's parser holds; past it the parser itself stops with an error. */
export const MAX_HEAD_BYTES = 1024 * 1024;

/** How long a refused connection is read on (and its input discarded) for the client to take the answer. */
const LINGER_MS = 5_000;

const answered = new WeakSet<Duplex>();

/**
 * Answers on the raw socket, for requests Node's parser gave up on (no response object exists) and for CONNECT. The
 * answer is the product's error shape with `Connection: close`. The socket is then read on until the client closes
 * (or a few seconds pass): closing with unread input would reset the connection and lose the answer on the way.
 */
export function answerOnSocket(socket: Duplex, status: number, code: string, message: string): void {
  if (answered.has(socket)) return;
  answered.add(socket);
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}`,
      "Content-Type: application/json; charset=utf-8",
      `Content-Length: ${Buffer.byteLength(body)}`,
      "Cache-Control: no-store",
      "Connection: close",
      "",
      body,
    ].join("\r\n"),
  );
  socket.on("error", () => socket.destroy());
  socket.resume();
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  linger.unref();
  socket.once("close", () => clearTimeout(linger));
}

/** Node's `clientError`: a request the HTTP parser refused, answered in the error shape instead of Node's empty body. */
export function answerClientError(error: Error & { code?: string; reason?: string }, socket: Duplex): void {
  if (error.code === "ECONNRESET" || error.code === "EPIPE") {
    socket.destroy();
    return;
  }
  const [status, code, message] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? [431, "RequestHeadTooLarge", `the request line and headers are larger than ${MAX_HEAD_BYTES / 1024} KiB`]
      : error.code === "HPE_CHUNK_EXTENSIONS_OVERFLOW"
        ? [413, "ContentTooLarge", "the chunk extensions are too large"]
        : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? [408, "RequestTimeout", "the request did not arrive in time"]
          : [400, "MalformedRequest", `the request is not valid HTTP/1.1: ${describe(error)}`];
  answerOnSocket(socket, status, code, message);
}

/** CONNECT asks for a tunnel, which only a proxy gives. */
export function answerConnect(_request: IncomingMessage, socket: Duplex): void {
  answerOnSocket(socket, 400, "InvalidRequestTarget", "CONNECT asks for a proxy tunnel; this host is not a proxy");
}

/** The parser's reason in a few words, without echoing the request's bytes. */
function describe(error: Error & { reason?: string }): string {
  const reason = (error.reason ?? error.message).replace(/[^\x20-\x7e]/g, "").slice(0, 120);
  return reason === "" ? "unreadable request" : reason.charAt(0).toLowerCase() + reason.slice(1);
}
