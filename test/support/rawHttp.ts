import { connect } from "node:net";

/** A piece of a raw request: text as is, or `bytes` copies of one character (sent in chunks, with backpressure). */
export type RawPart = string | { fill: string; bytes: number };

export interface RawAnswer {
  /** 0 when no status line arrived. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The status line, headers and the whole body (by Content-Length or the last chunk) arrived. */
  complete: boolean;
  /** A socket error seen before the answer was complete (a reset, a refused connection). */
  error: string | undefined;
}

/**
 * Sends bytes that no HTTP client library would (bad request lines, absolute-form targets, huge heads) and reads the
 * first answer. Resolves when the answer is complete, when the server closes, or after `timeoutMs`.
 */
export function rawRequest(port: number, parts: readonly RawPart[], timeoutMs = 15_000): Promise<RawAnswer> {
  // The answer to HEAD has no body, whatever its Content-Length says.
  const headOnly = typeof parts[0] === "string" && parts[0].startsWith("HEAD ");
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let error: string | undefined;
    let settled = false;
    const finish = (closed = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseAnswer(Buffer.concat(chunks), error, headOnly, closed && error === undefined));
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      if (parseAnswer(Buffer.concat(chunks), undefined, headOnly).complete) finish();
    });
    socket.on("error", (cause: NodeJS.ErrnoException) => {
      // A write that fails after the whole answer arrived does not matter; before it, it is what the test looks for.
      if (!parseAnswer(Buffer.concat(chunks), undefined, headOnly).complete) error ??= cause.code ?? cause.message;
      finish();
    });
    socket.on("close", () => finish(true));
    socket.once("connect", () => void send(parts));
    async function send(pieces: readonly RawPart[]) {
      for (const part of pieces) {
        if (typeof part === "string") {
          if (!socket.write(part, "latin1")) await drained();
          continue;
        }
        const block = part.fill.repeat(64 * 1024);
        for (let left = part.bytes; left > 0 && !settled; left -= block.length) {
          if (!socket.write(left >= block.length ? block : block.slice(0, left), "latin1")) await drained();
        }
      }
    }
    function drained(): Promise<void> {
      return new Promise((done) => {
        const go = () => {
          socket.off("drain", go);
          socket.off("close", go);
          done();
        };
        socket.once("drain", go);
        socket.once("close", go);
      });
    }
  });
}

/** `closed`: the server closed the connection cleanly, which ends a body sent without a length. */
function parseAnswer(whole: Buffer, error: string | undefined, headOnly: boolean, closed = false): RawAnswer {
  // Interim answers (100 Continue) come before the final one.
  let data = whole;
  while (/^HTTP\/1\.[01] 1\d\d /.test(data.toString("latin1", 0, 13)) && data.includes("\r\n\r\n")) {
    data = data.subarray(data.indexOf("\r\n\r\n") + 4);
  }
  const text = data.toString("latin1");
  const headEnd = text.indexOf("\r\n\r\n");
  const none = { status: 0, headers: {}, body: "", complete: false, error };
  if (headEnd === -1) return none;
  const [statusLine, ...fields] = text.slice(0, headEnd).split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3}) /.exec(statusLine ?? "")?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const field of fields) {
    const colon = field.indexOf(":");
    if (colon > 0) headers[field.slice(0, colon).trim().toLowerCase()] = field.slice(colon + 1).trim();
  }
  const rest = data.subarray(headEnd + 4);
  if (headOnly) return { status, headers, body: "", complete: true, error };
  if (headers["content-length"] !== undefined) {
    const length = Number(headers["content-length"]);
    return {
      status,
      headers,
      body: rest.subarray(0, length).toString("utf8"),
      complete: rest.length >= length,
      error,
    };
  }
  if (/chunked/i.test(headers["transfer-encoding"] ?? "")) {
    const { body, complete } = dechunk(rest);
    return { status, headers, body, complete, error };
  }
  // No length: the body runs to the end of the connection (or there is none, as for a 304).
  return { status, headers, body: rest.toString("utf8"), complete: closed || status === 304 || status === 204, error };
}

function dechunk(data: Buffer): { body: string; complete: boolean } {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf("\r\n", at);
    if (lineEnd === -1) return { body: Buffer.concat(parts).toString("utf8"), complete: false };
    const size = parseInt(data.subarray(at, lineEnd).toString("latin1"), 16);
    if (Number.isNaN(size)) return { body: Buffer.concat(parts).toString("utf8"), complete: false };
    if (size === 0) return { body: Buffer.concat(parts).toString("utf8"), complete: true };
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
