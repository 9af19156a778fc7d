import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLoopbackTls, writeSimulatorTls } from "../simulator/tls";

/**
 * Runs a Node script in a child process that trusts a fresh certificate for the simulated tenant. Node reads
 * NODE_EXTRA_CA_CERTS only when a process starts, so trust has to be set up before the process that needs it.
 * The child finds the certificate and key through SIMULATOR_TLS_DIR. Resolves with the child's exit code.
 */
export async function runTrustingSimulator(script: string, args: string[]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "tenant-inventory-tls-"));
  try {
    await writeSimulatorTls(dir, await createLoopbackTls());
    const child = spawn(process.execPath, [...process.execArgv, script, ...args], {
      stdio: "inherit",
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, "cert.pem"), SIMULATOR_TLS_DIR: dir },
    });
    // Ctrl-C reaches the whole process group; the child shuts down its own services, so the parent just waits.
    const ignore = () => undefined;
    process.on("SIGINT", ignore);
    const forward = () => child.kill("SIGTERM");
    process.on("SIGTERM", forward);
    try {
      return await new Promise<number>((resolve, reject) => {
        child.once("error", reject);
        child.once("exit", (code, signal) => resolve(code ?? (signal === null ? 1 : 128 + 2)));
      });
    } finally {
      process.off("SIGINT", ignore);
      process.off("SIGTERM", forward);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
