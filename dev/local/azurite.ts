import { spawn, type ChildProcess } from "node:child_process";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

export interface Azurite {
  readonly tableEndpoint: string;
  /** Connection string for the emulator's well-known development account. */
  readonly connectionString: string;
  stop(): Promise<void>;
}

/** Azurite's published development account; not a secret (it is in Microsoft's docs and the emulator itself). */
const DEV_ACCOUNT = "devstoreaccount1";
const DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/**
 * Runs Azurite's table service (argv[1], as its own bin would be run) and stops it when the IPC channel to its parent
 * closes: on stop(), and when the parent dies, even by SIGKILL (Azurite itself would live on as an orphan). A
 * persisted store stops gracefully, as on Ctrl-C, which saves it; one in memory has nothing to save and goes at once,
 * without waiting for its clients' keep-alive connections.
 */
const STOPPED_WITH_PARENT = `
const inMemory = process.argv.includes("--inMemoryPersistence");
// Exiting rather than dying of the signal runs the exit handlers (node --cpu-prof writes its profile in one).
if (inMemory) process.once("SIGTERM", () => process.exit(0));
const stop = () => {
  if (inMemory) process.exit(0);
  process.kill(process.pid, "SIGINT");
  setTimeout(() => process.exit(0), 10000).unref();
};
process.once("disconnect", stop);
if (!process.connected) stop();
require(process.argv[1]);
`;

/**
 * Starts Azurite's table service as a child process: by default on a free loopback port and in memory; with
 * `location`, persisted in that folder. The package's main entry is the VS Code extension, so the service is run from
 * its own bin script. `nodeArgs` are flags for its Node process (a profiler).
 */
export async function startAzurite(
  options: { port?: number; location?: string; nodeArgs?: readonly string[] } = {},
): Promise<Azurite> {
  const tablePort = options.port ?? (await freePort());
  const bin = join(dirname(require.resolve("azurite/package.json")), "dist", "src", "table", "main.js");
  const persistence =
    options.location === undefined ? ["--inMemoryPersistence"] : ["--location", resolve(options.location)];
  const azuriteArgs = [
    ...persistence,
    "--silent",
    "--disableTelemetry",
    "--skipApiVersionCheck",
    "--tableHost",
    "127.0.0.1",
    "--tablePort",
    String(tablePort),
  ];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), "-e", STOPPED_WITH_PARENT, bin, ...azuriteArgs], {
    // Its own process group: a terminal's Ctrl-C goes to the host, which stops storage last, not first.
    detached: true,
    // The IPC channel is how it learns that its parent is gone, however the parent ended.
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    // The temp dir catches anything it writes beside its data (debug logs, lock files).
    cwd: tmpdir(),
  });
  await waitUntilListening(child, tablePort);
  const tableEndpoint = `http://127.0.0.1:${tablePort}/${DEV_ACCOUNT}`;
  return {
    tableEndpoint,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};TableEndpoint=${tableEndpoint};`,
    stop: () => stopChild(child, options.location === undefined),
  };
}

async function waitUntilListening(child: ChildProcess, port: number): Promise<void> {
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Azurite exited with code ${child.exitCode}: ${output.trim()}`);
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error(`Azurite did not listen on port ${port} within 30 s: ${output.trim()}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * A store in memory has nothing to save: SIGTERM ends it at once, even while it is busy with a large batch (it
 * handles no SIGTERM). A persisted one is stopped by closing the IPC channel, which makes it stop gracefully (SIGINT,
 * which saves the store first; SIGTERM would lose up to its 5 s autosave interval of writes). A child that does not
 * stop is killed after a while.
 */
function stopChild(child: ChildProcess, inMemory: boolean): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    if (inMemory) child.kill("SIGTERM");
    else if (child.connected) child.disconnect();
    else child.kill("SIGINT");
  });
}

/** A port the OS says is free now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True when nothing accepts connections on the loopback port. */
export async function isFree(port: number): Promise<boolean> {
  return !(await accepts(port));
}
