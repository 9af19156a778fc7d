import { inventoryFor } from "../src/app/inventory";
import { functionDefinitions } from "../src/functions/definitions";
import { loadAppConfig } from "../src/kinds/registry";
import { startLocalHost } from "../dev/local/localHost";

/**
 * `node dist/bench/hostChild.js`: the local Functions host serving the HTTP functions, in a process of its own so
 * the load generator does not share its event loop. Timers are left out: a resume run firing mid-measurement would
 * be noise. Prints `{"url"}` once listening; SIGTERM stops it.
 */
async function main(): Promise<void> {
  const http = functionDefinitions(inventoryFor(loadAppConfig())).filter((definition) => definition.trigger === "http");
  const host = await startLocalHost(http, { port: 0, log: (message) => process.stderr.write(`${message}\n`) });
  process.once("SIGTERM", () => {
    void host.close().finally(() => process.exit(0));
  });
  process.stdout.write(`${JSON.stringify({ url: host.url })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
