import { HttpRequest, HttpResponse, InvocationContext, type Timer } from "@azure/functions";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FunctionDefinition, HttpFunction, TimerFunction } from "../../src/functions/definitions";
import { nextOccurrence, parseNcrontab } from "../../src/config/ncrontab";
import { isRefusal, routableRequest } from "./requestTarget";
import { answerClientError, answerConnect, MAX_HEAD_BYTES } from "./socketAnswers";

export interface LocalHostOptions {
  port: number;
  log: (message: string) => void;
}

export interface LocalHost {
  readonly url: string;
  /** Runs a timer function now, as its schedule would; refused once the host is closing. */
  runTimer(name: string): Promise<void>;
  /**
   * Stops taking work (timers, new connections), then waits for what runs: every invocation, or with `until` only
   * until that settles. Resolves with the names of the invocations still running, which the caller abandons.
   */
  close(options?: { until?: Promise<unknown> }): Promise<string[]>;
}

interface Route {
  definition: HttpFunction;
  pattern: RegExp;
  names: string[];
}

/**
 * A thin stand-in for the Functions host: serves the HTTP functions under /api with the same route templates, and
 * fires the timers on their NCRONTAB schedules. Keys are not enforced locally, as with `func start`.
 */
export async function startLocalHost(definitions: FunctionDefinition[], options: LocalHostOptions): Promise<LocalHost> {
  const routes = definitions.filter((d): d is HttpFunction => d.trigger === "http").map(compileRoute);
  const timers = definitions.filter((d): d is TimerFunction => d.trigger === "timer");
  const running = new Invocations();
  let closing = false;
  // Node's own answers to requests it cannot parse (and its Host check) have empty bodies: they are answered here.
  // What the Functions host would do on the resume timer's schedule, done at once (see HttpFunction.localFollowUp).
  const followUp = (name: string) => {
    const timer = timers.find((candidate) => candidate.name === name);
    if (timer !== undefined && !closing) void running.track(name, runTimer(timer));
  };
  const server = createServer({ maxHeaderSize: MAX_HEAD_BYTES, requireHostHeader: false }, (request, response) => {
    const handled = serve(routes, request, response, options.log, followUp).catch((error: unknown) => {
      // A client that hangs up before the answer is written is no failure of the host.
      if (!response.destroyed) {
        options.log(`[host] answering failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      response.destroy();
    });
    void running.track(`${request.method} ${(request.url ?? "").slice(0, 100)}`, handled);
  });
  server.on("clientError", answerClientError);
  server.on("connect", answerConnect);
  server.on("checkExpectation", (request, response) => {
    request.resume();
    void write(response, errorAnswer(417, "ExpectationFailed", "the only expectation this host meets is 100-continue"));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", resolve);
  });
  const address = server.address();
  const url = `http://localhost:${typeof address === "object" && address !== null ? address.port : options.port}`;

  const runTimer = async (timer: TimerFunction, isPastDue = false) => {
    const context = invocationContext(timer.name, options.log);
    const info: Timer = {
      isPastDue,
      schedule: { adjustForDST: false },
      scheduleStatus: { last: "", next: "", lastUpdated: "" },
    };
    try {
      await timer.handler(info, context);
    } catch (error) {
      options.log(`[${timer.name}] failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const stopTimers = timers.map((timer) => schedule(timer, () => running.track(timer.name, runTimer(timer))));

  return {
    url,
    async runTimer(name) {
      const timer = timers.find((candidate) => candidate.name === name);
      if (timer === undefined) throw new Error(`no timer function named ${name}`);
      if (closing) throw new Error(`the host is stopping; ${name} was not started`);
      await running.track(name, runTimer(timer));
    },
    async close(closeOptions = {}) {
      closing = true;
      stopTimers.forEach((stop) => stop());
      // No new connections; idle keep-alive ones go now, busy ones when their answer is written.
      server.close();
      server.closeIdleConnections();
      const left = await running.settled(closeOptions.until);
      server.closeAllConnections();
      return left;
    },
  };
}

/** Route templates such as `snapshots/{snapshotId}/users` become anchored patterns under /api. */
function compileRoute(definition: HttpFunction): Route {
  const names: string[] = [];
  const source = definition.route
    .split("/")
    .map((segment) => {
      const parameter = /^\{(\w+)\??\}$/.exec(segment);
      if (parameter === null) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(parameter[1]!);
      return "([^/]+)";
    })
    .join("/");
  return { definition, pattern: new RegExp(`^/api/${source}/?$`, "i"), names };
}

async function serve(
  routes: Route[],
  request: IncomingMessage,
  response: ServerResponse,
  log: (message: string) => void,
  followUp: (timer: string) => void,
) {
  const routable = routableRequest(request);
  if (isRefusal(routable)) {
    // Nothing of the request is read; its body is discarded rather than left to reset the connection.
    request.resume();
    const close: Record<string, string> = routable.status === 400 ? {} : { Connection: "close" };
    await write(response, errorAnswer(routable.status, routable.code, routable.message, close));
    return;
  }
  const { path, search, origin } = routable;
  const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path;
  try {
    const matched = routes.flatMap((route) => {
      const match = route.pattern.exec(path);
      return match === null ? [] : [{ route, match }];
    });
    const hit = matched.find(({ route }) => route.definition.methods.includes((request.method ?? "GET") as never));
    if (hit === undefined) {
      request.resume();
      const message = `no function serves ${request.method} ${shown}`;
      if (matched.length === 0) return await write(response, errorAnswer(404, "NotFound", message));
      const allow = [...new Set(matched.flatMap(({ route }) => route.definition.methods))].join(", ");
      return await write(response, errorAnswer(405, "MethodNotAllowed", message, { Allow: allow }));
    }
    const params = routeParams(hit.route.names, hit.match);
    if (params === undefined) {
      request.resume();
      return await write(response, errorAnswer(400, "InvalidPath", "the path has malformed percent-encoding"));
    }
    const body = await readBody(request);
    if (body === undefined) {
      const message = `the body is larger than ${MAX_BODY_BYTES / 1024} KiB`;
      return await write(response, errorAnswer(413, "ContentTooLarge", message, { Connection: "close" }));
    }
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(", ") : (value ?? ""),
      ]),
    );
    const httpRequest = new HttpRequest({
      method: request.method ?? "GET",
      url: `${origin}${path}${search}`,
      headers,
      params,
      // The Functions host drops a GET or HEAD body; HttpRequest would warn about it on every such request.
      ...(body.length > 0 && !["GET", "HEAD"].includes(request.method ?? "GET") ? { body: { bytes: body } } : {}),
    });
    const result = await hit.route.definition.handler(httpRequest, invocationContext(hit.route.definition.name, log));
    const answer = result instanceof HttpResponse ? result : new HttpResponse(result);
    await write(response, answer);
    const next = hit.route.definition.localFollowUp;
    if (next !== undefined && answer.status >= 200 && answer.status < 300) followUp(next);
  } catch (error) {
    // The client hung up mid-answer (a load generator stopping does): nobody is left to answer, and answering would
    // fail again outside this catch and take the whole host down.
    if (response.destroyed) return;
    log(`[host] ${request.method} ${shown} failed: ${error instanceof Error ? error.message : String(error)}`);
    if (!response.headersSent) {
      await write(response, errorAnswer(500, "InternalError", "the host failed to run the function"));
    } else {
      response.destroy();
    }
  }
}

/** The product's error shape; errors are never cached. */
function errorAnswer(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): HttpResponse {
  return new HttpResponse({
    status,
    jsonBody: { error: { code, message } },
    headers: { "Cache-Control": "no-store", ...headers },
  });
}

/** Route parameters, URL-decoded; undefined when a segment is not valid percent-encoding (`%`, `%zz`, `%E0%A4`). */
function routeParams(names: string[], match: RegExpExecArray): Record<string, string> | undefined {
  try {
    return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(match[index + 1]!)]));
  } catch (error) {
    if (error instanceof URIError) return undefined;
    throw error;
  }
}

async function write(response: ServerResponse, result: HttpResponse): Promise<void> {
  response.statusCode = result.status;
  result.headers.forEach((value, name) => response.setHeader(name, value));
  if (result.body === null) {
    response.end();
    return;
  }
  await pipeline(Readable.fromWeb(result.body), response);
}

/** No function takes a body larger than this (POST /sync takes none); a larger one is a 413, not held in memory. */
const MAX_BODY_BYTES = 1024 * 1024;

/** The body, or undefined once it grows past MAX_BODY_BYTES (the rest is read and discarded). */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on("data", (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      tooLarge = true;
      chunks.length = 0;
      resolve(undefined);
    });
    request.once("end", () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    request.once("error", reject);
  });
}

function invocationContext(functionName: string, log: (message: string) => void): InvocationContext {
  return new InvocationContext({
    functionName,
    invocationId: randomUUID(),
    logHandler: (level, ...args) =>
      log(`[${functionName}] ${level === "information" ? "" : `${level}: `}${args.map(String).join(" ")}`),
  });
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Arms a timer for each next occurrence; runs never overlap within this host (the sync lease covers instances). */
function schedule(timer: TimerFunction, run: () => Promise<void>): () => void {
  const expression = parseNcrontab(timer.schedule);
  let handle: NodeJS.Timeout | undefined;
  let stopped = false;
  const arm = () => {
    if (stopped) return;
    const delay = nextOccurrence(expression, new Date()).getTime() - Date.now();
    // setTimeout cannot wait more than ~24.8 days; longer gaps are waited out in steps.
    if (delay > MAX_TIMEOUT_MS) {
      handle = setTimeout(arm, MAX_TIMEOUT_MS);
      return;
    }
    handle = setTimeout(() => void run().finally(arm), delay);
  };
  arm();
  return () => {
    stopped = true;
    clearTimeout(handle);
  };
}

/** What runs in the host now, by name: HTTP invocations and timer runs, so that close() can wait for them. */
class Invocations {
  private readonly running = new Map<Promise<unknown>, string>();

  track<T>(name: string, invocation: Promise<T>): Promise<T> {
    this.running.set(invocation, name);
    const done = () => void this.running.delete(invocation);
    invocation.then(done, done);
    return invocation;
  }

  /** Waits until nothing runs, or until `until` settles; resolves with the names of what still runs then. */
  async settled(until?: Promise<unknown>): Promise<string[]> {
    let expired = false;
    const deadline = (until ?? new Promise<never>(() => undefined)).then(
      () => void (expired = true),
      () => void (expired = true),
    );
    // Invocations started while waiting (an HTTP request already on its way) are waited for too.
    while (this.running.size > 0 && !expired) {
      await Promise.race([Promise.allSettled([...this.running.keys()]), deadline]);
    }
    return [...this.running.values()];
  }
}
