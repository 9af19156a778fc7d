import { spawn, type StdioOptions } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLoopbackTls, writeSimulatorTls } from "../simulator/tls";

export interface TrustedProcessOptions {
  /**
   * Run the child in a process group of its own, with an IPC channel: a terminal's Ctrl-C then reaches it once,
   * forwarded from here, and the child sees the channel close (`disconnect`) however this process ends, even by
   * SIGKILL. For long-lived children that stop what they started (`npm start`); tests run without it.
   */
  ownProcessGroup?: boolean;
}

/**
 * Runs a Node script in a child process that trusts a fresh certificate for the simulated tenant. Node reads
 * NODE_EXTRA_CA_CERTS only when a process starts, so trust has to be set up before the process that needs it.
 * The child finds the certificate and key through SIMULATOR_TLS_DIR. Resolves with the child's exit code.
 */
export async function runTrustingSimulator(
  script: string,
  args: string[],
  options: TrustedProcessOptions = {},
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "tenant-inventory-tls-"));
  const own = options.ownProcessGroup === true;
  try {
    await writeSimulatorTls(dir, await createLoopbackTls());
    const stdio: StdioOptions = own ? ["ignore", "inherit", "inherit", "ipc"] : "inherit";
    const child = spawn(process.execPath, [...process.execArgv, script, ...args], {
      stdio,
      detached: own,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, "cert.pem"), SIMULATOR_TLS_DIR: dir },
    });
    // In the same process group, Ctrl-C reaches the child directly and the parent just waits; in its own, the
    // parent passes it on. A closed terminal (SIGHUP) is a stop like SIGTERM.
    const onInterrupt = own ? () => child.kill("SIGINT") : () => undefined;
    const onTerminate = () => child.kill("SIGTERM");
    process.on("SIGINT", onInterrupt);
    process.on("SIGTERM", onTerminate);
    process.on("SIGHUP", onTerminate);
    try {
      return await new Promise<number>((resolve, reject) => {
        child.once("error", reject);
        child.once("exit", (code, signal) => resolve(code ?? (signal === null ? 1 : 128 + 2)));
      });
    } finally {
      process.off("SIGINT", onInterrupt);
      process.off("SIGTERM", onTerminate);
      process.off("SIGHUP", onTerminate);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
