import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { FaultInjector, AppliedFault } from "./faultInjector";
import { faultReply } from "./faultReplies";
import {
  errorReply,
  jsonReply,
  readBody,
  replyText,
  writeReply,
  writeText,
  type Reply,
  type SimRequest,
} from "./httpReply";
import { graphSubscribedSkusRoute } from "./graphSubscribedSkusRoute";
import { graphUsersRoute } from "./graphUsersRoute";
import { openIdRoute, tokenRoute } from "./identityRoutes";
import { keyVaultRoute } from "./keyVaultRoute";
import { managedIdentityRoute } from "./managedIdentityRoute";
import { powerBiGroupsRoute } from "./powerBiGroupsRoute";
import {
  scannerGetInfoRoute,
  scannerModifiedRoute,
  scannerScanResultRoute,
  scannerScanStatusRoute,
} from "./scannerRoutes";
import { routeOf, type SimulatorRoute } from "./simulatorRoute";
import type { TenantContext } from "./tenantContext";

type Handler = (context: TenantContext, request: SimRequest) => Reply;

const handlers: Record<SimulatorRoute, Handler> = {
  openid: openIdRoute,
  token: tokenRoute,
  msi: managedIdentityRoute,
  keyvault: keyVaultRoute,
  "graph.users": graphUsersRoute,
  "graph.subscribedSkus": graphSubscribedSkusRoute,
  "powerbi.groups": powerBiGroupsRoute,
  "powerbi.modified": scannerModifiedRoute,
  "powerbi.getInfo": scannerGetInfoRoute,
  "powerbi.scanStatus": scannerScanStatusRoute,
  "powerbi.scanResult": scannerScanResultRoute,
  unknown: (_context, request) =>
    errorReply(404, "NotFound", `The simulated tenant has no route for ${request.method} ${request.url.pathname}`),
};

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

function writeError(response: ServerResponse, status: number, code: string, message: string): void {
  writeText(response, status, JSON_HEADERS, JSON.stringify({ error: { code, message } }));
}

/** Turns HTTP requests into route handler calls, applying injected faults and logging every call. */
export class RequestHandler {
  private readonly held = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly context: TenantContext,
    private readonly faults: FaultInjector,
  ) {}

  /** A listener for the HTTPS origin (route from the path) or for one fixed route. */
  listener(fixedRoute?: SimulatorRoute): RequestListener {
    return (request, response) => {
      const route = fixedRoute ?? routeOf(new URL(request.url ?? "/", this.context.url).pathname);
      this.handle(route, request, response).catch((error: unknown) => {
        // A bug in the simulator must fail the test that hit it, not hang it.
        this.context.calls.record({ route, method: request.method ?? "GET", path: request.url ?? "/", status: 500 });
        if (response.headersSent) response.destroy();
        else writeError(response, 500, "SimulatorError", String(error));
      });
    };
  }

  /** Lets go of every held request and pending delay: what close() calls so no test waits on a slow fault. */
  releaseAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.held) socket.destroy();
    this.held.clear();
  }

  private async handle(route: SimulatorRoute, incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(incoming.url ?? "/", this.context.url);
    const method = incoming.method ?? "GET";
    const record = (status: number, fault?: AppliedFault): void =>
      this.context.calls.record({
        route,
        method,
        path: `${url.pathname}${url.search}`,
        status,
        ...(fault && { fault: fault.kind }),
      });
    let body: string;
    try {
      body = await readBody(incoming);
    } catch {
      writeError(response, 413, "RequestTooLarge", "The simulated tenant reads bodies up to 1 MiB.");
      record(413);
      return;
    }
    const request: SimRequest = { method, url, headers: incoming.headers, body };
    const fault = this.faults.take(route);
    const answer = (): Reply => handlers[route](this.context, request);
    switch (fault?.kind) {
      case undefined:
        return this.send(response, answer(), record);
      case "reset":
        record(0, fault);
        incoming.socket.destroy();
        return;
      case "slow":
        if (fault.delayMs === undefined) {
          this.hold(incoming.socket);
          record(0, fault);
          return;
        }
        if (!(await this.delay(fault.delayMs, incoming.socket))) {
          record(0, fault);
          return;
        }
        return this.send(response, answer(), (status) => record(status, fault));
      case "status":
        return this.send(response, faultReply(fault), (status) => record(status, fault));
      case "truncated": {
        const reply = answer();
        const text = replyText(reply);
        // No content-length: the body simply ends early, as when a proxy gives up mid-stream.
        response.writeHead(reply.status, { ...JSON_HEADERS, ...reply.headers });
        response.end(text.slice(0, Math.floor(text.length / 2)));
        record(reply.status, fault);
        return;
      }
      case "stalled": {
        const reply = answer();
        const text = replyText(reply);
        // Headers and half the body, then silence: a client timing only the headers waits forever.
        response.writeHead(reply.status, { ...JSON_HEADERS, ...reply.headers });
        response.write(text.slice(0, Math.floor(text.length / 2)));
        this.hold(incoming.socket);
        record(reply.status, fault);
        return;
      }
      case "malformed": {
        const reply = answer();
        const text = replyText(reply);
        writeText(
          response,
          reply.status,
          { ...JSON_HEADERS, ...reply.headers },
          text.includes(":") ? text.replace(":", " =") : "{=}",
        );
        record(reply.status, fault);
        return;
      }
      case "rewrite": {
        const reply = answer();
        const rewritten = fault.rewrite?.(JSON.parse(replyText(reply)) as unknown);
        return this.send(response, jsonReply(reply.status, rewritten, reply.headers), (status) =>
          record(status, fault),
        );
      }
    }
  }

  private async send(response: ServerResponse, reply: Reply, record: (status: number) => void): Promise<void> {
    await writeReply(response, reply);
    record(reply.status);
  }

  /** Never answers; the client's timeout or close() ends the connection. */
  private hold(socket: Socket): void {
    this.held.add(socket);
    socket.once("close", () => this.held.delete(socket));
  }

  /** Waits `ms`, or until the client or close() drops the connection; true when the request should still be answered. */
  private delay(ms: number, socket: Socket): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(!socket.destroyed);
    return new Promise((resolve) => {
      this.held.add(socket);
      const finish = (): void => {
        clearTimeout(timer);
        this.timers.delete(timer);
        this.held.delete(socket);
        socket.off("close", finish);
        resolve(!socket.destroyed);
      };
      const timer = setTimeout(finish, ms);
      this.timers.add(timer);
      socket.once("close", finish);
    });
  }
}
