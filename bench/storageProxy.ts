import { Agent, createServer, request as forward } from "node:http";
import type { AddressInfo } from "node:net";
import { pipeline } from "node:stream/promises";

export interface StorageProxy {
  /** A connection string like the target's, through the proxy. */
  readonly connectionString: string;
  /** The decoded path and query of every request since the last reset, in order. */
  readonly requests: string[];
  reset(): void;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of Azurite's table endpoint that records every request it forwards: how the
 * benchmark counts the storage requests a route makes, without touching the product's code.
 */
export async function startStorageProxy(connectionString: string): Promise<StorageProxy> {
  const endpoint = /TableEndpoint=(http:\/\/[^;]+)/.exec(connectionString)?.[1];
  if (endpoint === undefined) throw new Error("the storage proxy needs a connection string with an http TableEndpoint");
  const target = new URL(endpoint);
  const agent = new Agent({ keepAlive: true });
  const requests: string[] = [];
  const server = createServer((incoming, answer) => {
    requests.push(decodeURIComponent(incoming.url ?? ""));
    const outgoing = forward(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
        agent,
      },
      (response) => {
        answer.writeHead(response.statusCode ?? 502, response.headers);
        void pipeline(response, answer).catch(() => answer.destroy());
      },
    );
    outgoing.once("error", () => answer.destroy());
    void pipeline(incoming, outgoing).catch(() => outgoing.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const proxied = `http://127.0.0.1:${port}${target.pathname}`;
  return {
    connectionString: connectionString.replace(endpoint, proxied),
    requests,
    reset: () => void requests.splice(0),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
