import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type RequestListener, type Server } from "node:http";
import { AccessTokenIssuer } from "./accessTokens";

/** The Function App's managed identity, as the simulated App Service identity endpoint hands out tokens for it. */
export interface ManagedIdentity {
  readonly clientId: string;
  readonly objectId: string;
  readonly header: string;
  readonly tokens: AccessTokenIssuer;
}

// MSAL keeps the App Service identity source (endpoint and header, read from the environment once) and the tokens it
// got there in static fields for the life of the process. So every simulated tenant in a process shares one endpoint,
// header and token key, and the endpoint comes back on the same port after the last tenant closed.
export const managedIdentity: ManagedIdentity = {
  clientId: randomUUID(),
  objectId: randomUUID(),
  header: randomBytes(24).toString("base64url"),
  tokens: new AccessTokenIssuer(),
};

const listeners: RequestListener[] = [];
let server: Server | undefined;
let lastPort = 0;
let queue: Promise<unknown> = Promise.resolve();

function serialized<T>(work: () => Promise<T>): Promise<T> {
  const next = queue.then(work, work);
  queue = next.catch(() => undefined);
  return next;
}

function dispatch(...args: Parameters<RequestListener>): void {
  const current = listeners.at(-1);
  if (current !== undefined) {
    current(...args);
    return;
  }
  const [, response] = args;
  response.writeHead(503, { "content-type": "application/json" });
  response.end(JSON.stringify({ statusCode: 503, message: "No simulated tenant is running" }));
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const candidate = createServer(dispatch);
    candidate.once("error", reject);
    candidate.listen(port, "127.0.0.1", () => {
      candidate.off("error", reject);
      resolve(candidate);
    });
  });
}

async function start(): Promise<Server> {
  try {
    return await listen(lastPort);
  } catch (error) {
    if (lastPort === 0 || (error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    return listen(0);
  }
}

/**
 * Routes the shared identity endpoint's requests to `listener` (the most recently attached tenant wins) and returns
 * the endpoint URL; `detach` undoes it and stops the listener when no tenant is left.
 */
export function attachManagedIdentityEndpoint(
  listener: RequestListener,
): Promise<{ endpoint: string; detach: () => Promise<void> }> {
  return serialized(async () => {
    listeners.push(listener);
    if (server === undefined) {
      try {
        server = await start();
      } catch (error) {
        listeners.splice(listeners.indexOf(listener), 1);
        throw error;
      }
      const address = server.address();
      lastPort = typeof address === "object" && address !== null ? address.port : 0;
    }
    return { endpoint: `http://127.0.0.1:${lastPort}/msi/token`, detach: () => detach(listener) };
  });
}

function detach(listener: RequestListener): Promise<void> {
  return serialized(async () => {
    const index = listeners.indexOf(listener);
    if (index >= 0) listeners.splice(index, 1);
    if (listeners.length > 0 || server === undefined) return;
    const stopping = server;
    server = undefined;
    await new Promise<void>((resolve) => {
      stopping.close(() => resolve());
      stopping.closeAllConnections();
    });
  });
}
