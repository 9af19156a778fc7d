import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { startAzurite, type Azurite } from "../dev/local/azurite";
import { startSimulatedTenant, type SimulatedTenant } from "../dev/simulator/simulatedTenant";
import type { ScannerOptions } from "../dev/simulator/scannerSettings";
import { readSimulatorTls } from "../dev/simulator/tls";

/**
 * The simulated tenant runs in the bench process, not in the sync's, so the sync's peak RSS is its own. Its data is
 * generated page by page, so a tenant of any size costs little until it is read.
 */
export async function startBenchTenant(
  users: number,
  workspaces: number,
  seed: number,
  scanner?: ScannerOptions,
): Promise<SimulatedTenant> {
  const dir = process.env.SIMULATOR_TLS_DIR;
  if (dir === undefined) throw new Error("SIMULATOR_TLS_DIR is not set: run the benchmark with `npm run bench`");
  const tenant = await startSimulatedTenant({
    tls: await readSimulatorTls(dir),
    users,
    workspaces,
    seed,
    tenantId: randomUUID(),
    ...(scanner === undefined ? {} : { scanner }),
  });
  // The simulator counts SKU seats over every user on its first subscribedSkus call; the first timed sync would pay.
  tenant.subscribedSkus();
  return tenant;
}

/** The product's settings for a sync or host process that talks to this tenant and this Azurite. */
export function productSettings(tenant: SimulatedTenant, azurite: Azurite): Record<string, string> {
  return { ...tenant.settings(), INVENTORY_STORAGE: azurite.connectionString };
}

/** The `node` flags that write a V8 CPU profile into `dir` when the process exits; none without a folder. */
export function cpuProfileArgs(dir: string | undefined): string[] {
  return dir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", dir];
}

/**
 * Runs `work` against an Azurite of its own. Azurite (in memory) slows down as a table grows, so every measurement
 * that is compared with another starts from an empty store. With `profileDir`, Azurite writes a V8 CPU profile there
 * when it stops.
 */
export async function withAzurite<T>(work: (azurite: Azurite) => Promise<T>, profileDir?: string): Promise<T> {
  const azurite = await startAzurite({ nodeArgs: cpuProfileArgs(profileDir) });
  try {
    return await work(azurite);
  } finally {
    await azurite.stop();
  }
}

/** CPU time (ms) used so far by this process's Azurite children; undefined where /proc is not available. */
export function azuriteCpuMs(): number | undefined {
  try {
    let total = 0;
    for (const pid of childPids()) {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("azurite")) total += processCpuMs(pid);
    }
    return total;
  } catch {
    return undefined;
  }
}

function childPids(): number[] {
  const pids: number[] = [];
  for (const task of readdirSync(`/proc/${process.pid}/task`)) {
    const children = readFileSync(`/proc/${process.pid}/task/${task}/children`, "utf8").trim();
    if (children !== "") pids.push(...children.split(/\s+/).map(Number));
  }
  return pids;
}

/** utime + stime from /proc/<pid>/stat, in ms (the kernel counts in clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** This process's CPU time so far, in ms: while a sync child runs, that is the simulated tenant's work. */
export function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** The 1-minute load average (0 where unknown): recorded beside each timed run, since other work skews it. */
export function loadAverage(): number {
  return Number(loadavg()[0]?.toFixed(2) ?? 0);
}
