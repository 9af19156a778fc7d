import { HttpRequest, HttpResponse, InvocationContext, type Timer } from "@azure/functions";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FunctionDefinition, HttpFunction, TimerFunction } from "../../src/functions/definitions";
import { nextOccurrence, parseNcrontab } from "../../src/config/ncrontab";

export interface LocalHostOptions {
  port: number;
  log: (message: string) => void;
}

export interface LocalHost {
  readonly url: string;
  /** Runs a timer function now, as its schedule would. */
  runTimer(name: string): Promise<void>;
  close(): Promise<void>;
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
  const running = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    running.add(work);
    void work.finally(() => running.delete(work));
  };
  // What the Functions host would do on the resume timer's schedule, done at once (see HttpFunction.localFollowUp).
  const followUp = (name: string) => {
    const timer = timers.find((candidate) => candidate.name === name);
    if (timer !== undefined) track(runTimer(timer));
  };
  const server = createServer((request, response) => track(serve(routes, request, response, options.log, followUp)));
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
  const stopTimers = timers.map((timer) => schedule(timer, () => runTimer(timer), running));

  return {
    url,
    async runTimer(name) {
      const timer = timers.find((candidate) => candidate.name === name);
      if (timer === undefined) throw new Error(`no timer function named ${name}`);
      await runTimer(timer);
    },
    async close() {
      stopTimers.forEach((stop) => stop());
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled(running);
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
  const url = new URL(request.url ?? "/", "http://localhost");
  try {
    const matched = routes.flatMap((route) => {
      const match = route.pattern.exec(url.pathname);
      return match === null ? [] : [{ route, match }];
    });
    const hit = matched.find(({ route }) => route.definition.methods.includes((request.method ?? "GET") as never));
    if (hit === undefined) {
      const status = matched.length > 0 ? 405 : 404;
      await write(
        response,
        new HttpResponse({
          status,
          jsonBody: {
            error: {
              code: status === 404 ? "NotFound" : "MethodNotAllowed",
              message: `no function serves ${request.method} ${url.pathname}`,
            },
          },
        }),
      );
      return;
    }
    const params = routeParams(hit.route.names, hit.match);
    if (params === undefined) {
      await write(
        response,
        new HttpResponse({
          status: 400,
          jsonBody: { error: { code: "InvalidPath", message: "the path has malformed percent-encoding" } },
        }),
      );
      return;
    }
    const body = await readBody(request);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(", ") : (value ?? ""),
      ]),
    );
    const httpRequest = new HttpRequest({
      method: request.method ?? "GET",
      url: `http://${request.headers.host ?? "localhost"}${request.url ?? "/"}`,
      headers,
      params,
      ...(body.length > 0 ? { body: { bytes: body } } : {}),
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
    log(`[host] ${request.method} ${url.pathname} failed: ${error instanceof Error ? error.message : String(error)}`);
    if (!response.headersSent) {
      await write(
        response,
        new HttpResponse({
          status: 500,
          jsonBody: { error: { code: "InternalError", message: "the host failed to run the function" } },
        }),
      );
    } else {
      response.destroy();
    }
  }
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

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
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
function schedule(timer: TimerFunction, run: () => Promise<void>, running: Set<Promise<void>>): () => void {
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
    handle = setTimeout(() => {
      const invocation = run().finally(arm);
      running.add(invocation);
      void invocation.finally(() => running.delete(invocation));
    }, delay);
  };
  arm();
  return () => {
    stopped = true;
    clearTimeout(handle);
  };
}
