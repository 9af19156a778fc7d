import { cpus } from "node:os";
import { groupsQueryOf } from "../src/kinds/workspaces/workspacesKind";
import { loadAppConfig } from "../src/kinds/registry";
import { runTrustingSimulator } from "../dev/local/trustedProcess";
import type { SimulatedTenant } from "../dev/simulator/simulatedTenant";
import { GRAPH_USERS_PAGE_SIZE } from "../src/sources/graph/graphUsers";
import { getInventoryTables } from "../src/store/tables";
import { DASHBOARD_TENANT, measureDashboard } from "./dashboardPhase";
import { measureHttp, type HttpMeasurement } from "./httpPhase";
import { measureKind } from "./kindPhase";
import { parseBenchArgs, type BenchOptions } from "./options";
import { formatResults, writeResults } from "./report";
import { evaluateTargets, type BenchResults, type MemoryGrowth } from "./results";
import { loadAverage, productSettings, startBenchTenant, withAzurite } from "./services";
import { measureStartup } from "./startup";
import { ceilingBatches, measureNaive } from "./storageCeiling";
import { measureSync, type SyncMeasurement } from "./syncPhase";

/**
 * `npm run bench -- [flags]`: every figure of the performance issue in one run, each compared with a baseline
 * measured in the same run, because these machines are noisy. Progress goes to stderr; the table to stdout.
 */
async function main(args: string[]): Promise<number> {
  // The simulated tenant speaks HTTPS; the sync children must trust it from their start (see trustedProcess.ts).
  if (process.env.SIMULATOR_TLS_DIR === undefined) return runTrustingSimulator(__filename, args);
  let options: BenchOptions;
  try {
    options = parseBenchArgs(args);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const results = await runBenchmark(options);
  console.log(formatResults(results));
  // The committed latest.json holds full default-size runs only; other sizes go to <date>.json alone.
  const latest = options.outDir !== DEFAULT_OUT || (options.users === 100_000 && options.workspaces === 10_000);
  for (const path of writeResults(results, options.outDir, latest)) console.log(`wrote ${path}`);
  return 0;
}

const DEFAULT_OUT = parseBenchArgs([]).outDir;
const started = performance.now();
const log = (message: string) =>
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);

/** Runs every measurement in turn, each against an Azurite of its own. */
export async function runBenchmark(options: BenchOptions): Promise<BenchResults> {
  const { users, workspaces, seed, concurrencies } = { ...options, concurrencies: options.ceilingConcurrencies };
  const loadAtStart = loadAverage();
  const tenant = await startBenchTenant(users, workspaces, seed);
  const doubled = await startBenchTenant(2 * users, 0, seed);
  try {
    const config = loadAppConfig({ ...process.env, ...tenant.settings() });
    const common = { tenant, config, seed, concurrencies, cpuProfDir: options.cpuProfDir, log };
    let http: HttpMeasurement | undefined;
    const usersPhase = await measureKind({
      ...common,
      kind: "users",
      count: users,
      minimumCalls: Math.max(1, Math.ceil(users / GRAPH_USERS_PAGE_SIZE)),
      afterFirstSync: async (azurite, sync) => {
        log(`HTTP: ${options.httpSeconds} s for each of 4 loads`);
        const { rows } = await getInventoryTables({
          connectionString: azurite.connectionString,
          tableEndpoint: undefined,
        });
        const snapshot = { tenantId: tenant.tenantId, snapshotId: sync.snapshotId, partitionBits: sync.partitionBits };
        http = await measureHttp(productSettings(tenant, azurite), rows, snapshot, options.httpSeconds);
      },
    });
    const userRows = usersPhase.rows;
    const half = Math.floor(userRows.length / 2);
    log(`naive baseline: ${options.naiveRows} sequential upserts after ${half} rows`);
    const naive = await measureNaive(
      ceilingBatches(userRows.slice(0, half)),
      userRows.slice(half, half + options.naiveRows),
    );
    const workspacesPhase = await measureKind({
      ...common,
      kind: "workspaces",
      count: workspaces,
      minimumCalls: Math.max(1, Math.ceil(workspaces / groupsQueryOf(config).top)),
    });
    const dashboard = await withTenant(
      startBenchTenant(DASHBOARD_TENANT.users, DASHBOARD_TENANT.workspaces, seed),
      (small) => measureDashboard(small, log),
    );
    const memory = await measureMemory(usersPhase.measured.runs[0]!, doubled, tenant, users);
    log("start-up: import time and package size");
    const startup = await measureStartup();
    const measured = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, platform: `${process.platform}-${process.arch}` },
      sizes: { users, workspaces, seed, naiveRows: options.naiveRows, httpSeconds: options.httpSeconds },
      load: { atStart: loadAtStart, atEnd: loadAverage() },
      users: usersPhase.measured,
      workspaces: workspacesPhase.measured,
      naive,
      memory,
      http: http!,
      dashboard,
      startup,
      benchSeconds: (performance.now() - started) / 1000,
    };
    return { ...measured, targets: evaluateTargets(measured) };
  } finally {
    await Promise.all([tenant.close(), doubled.close()]);
  }
}

/** Runs `work` with a tenant of its own, closed after. */
async function withTenant<T>(starting: Promise<SimulatedTenant>, work: (tenant: SimulatedTenant) => Promise<T>) {
  const tenant = await starting;
  try {
    return await work(tenant);
  } finally {
    await tenant.close();
  }
}

/**
 * Peak RSS at N and 2N users, twice: with Node's defaults on this machine, where 24 GB of memory let V8 grow the heap
 * to 4 times its live size between full collections, and with the heap limit Node itself picks on a 2,048 MB Flex
 * Consumption instance (a quarter of memory, doubled on 64-bit: 1,024 MB), where V8 collects sooner.
 */
async function measureMemory(
  first: SyncMeasurement,
  doubled: SimulatedTenant,
  tenant: SimulatedTenant,
  users: number,
): Promise<MemoryGrowth[]> {
  const doubledCalls = Math.ceil((2 * users) / GRAPH_USERS_PAGE_SIZE);
  const sync = (from: SimulatedTenant, calls: number, nodeArgs: string[]) =>
    withAzurite((azurite) => measureSync("users", from, azurite, calls, nodeArgs));
  const growth = (heap: string, base: SyncMeasurement, twice: SyncMeasurement): MemoryGrowth => ({
    heap,
    users: base.items,
    peakRssMb: base.peakRssMb,
    doubledUsers: twice.items,
    doubledPeakRssMb: twice.peakRssMb,
    ratio: twice.peakRssMb / base.peakRssMb,
  });
  log(`memory: sync ${2 * users} users with Node's defaults`);
  const defaults = growth("Node defaults on this machine", first, await sync(doubled, doubledCalls, []));
  log(`memory: ${users} and ${2 * users} users with a 2 GB instance's heap limit`);
  const limit = [`--max-old-space-size=${INSTANCE_HEAP_MB}`];
  const base = await sync(tenant, first.calls.minimum, limit);
  const instance = growth(
    `heap limit of a 2,048 MB instance (${limit[0]})`,
    base,
    await sync(doubled, doubledCalls, limit),
  );
  return [defaults, instance];
}

/** What Node 20 sets as the old-generation limit in a container limited to 2,048 MB (checked in a cgroup here). */
const INSTANCE_HEAP_MB = 1024;

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
