import { cpus } from "node:os";
import type { Config } from "../src/config/config";
import { groupsQueryOf } from "../src/kinds/workspaces/workspacesKind";
import { loadAppConfig } from "../src/kinds/registry";
import { runTrustingSimulator } from "../dev/local/trustedProcess";
import type { SimulatedTenant } from "../dev/simulator/simulatedTenant";
import { GRAPH_USERS_PAGE_SIZE } from "../src/sources/graph/graphUsers";
import { getInventoryTables } from "../src/store/tables";
import { DASHBOARD_TENANT, measureDashboard } from "./dashboardPhase";
import { measureHttp, type HttpMeasurement } from "./httpPhase";
import { BENCH_KINDS, usersBench, workspacesBench, type BenchKind } from "./benchKinds";
import { measureCatalog } from "./catalogPhase";
import { measureCopy } from "./copyPhase";
import { measureKind, type KindMeasurement } from "./kindPhase";
import { parseBenchArgs, type BenchOptions } from "./options";
import { formatResults, writeResults } from "./report";
import { evaluateTargets, type BenchResults, type MemoryGrowth, type WorkspacesMemory } from "./results";
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
  const catalogNames = [
    "catalogWorkspaces",
    "catalogBudget",
    "catalogWindowSeconds",
    "catalogLineageWorkspaces",
    "catalogLargestWorkspaces",
  ] as const;
  const catalogDefaults = catalogNames.every((name) => options[name] === DEFAULTS[name]);
  const latest =
    options.outDir !== DEFAULT_OUT || (options.users === 100_000 && options.workspaces === 10_000 && catalogDefaults);
  for (const path of writeResults(results, options.outDir, latest)) console.log(`wrote ${path}`);
  return 0;
}

const DEFAULTS = parseBenchArgs([]);
const DEFAULT_OUT = DEFAULTS.outDir;
const started = performance.now();
const log = (message: string) =>
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);

/** Runs every measurement in turn, each against an Azurite of its own. */
export async function runBenchmark(options: BenchOptions): Promise<BenchResults> {
  const { users, workspaces, seed } = options;
  const loadAtStart = loadAverage();
  const tenant = await startBenchTenant(users, workspaces, seed);
  const doubled = await startBenchTenant(2 * users, 0, seed);
  try {
    const config = loadAppConfig({ ...process.env, ...tenant.settings() });
    const phase = (bench: BenchKind) => ({
      bench,
      tenant,
      config,
      seed,
      count: bench.count(options),
      minimumCalls: bench.minimumCalls(config, bench.count(options)),
      layouts: options.layouts,
      concurrencies: options.ceilingConcurrencies,
      syncRuns: options.syncRuns,
      readSamples: options.readSamples,
      commandHeapMb: SMALL_INSTANCE_HEAP_MB,
      cpuProfDir: options.cpuProfDir,
      log,
    });
    let http: HttpMeasurement | undefined;
    const usersPhase = await measureKind({
      ...phase(usersBench),
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
    const workspacesPhase = await measureKind(phase(workspacesBench));
    log(`carry-over: the ${workspacesPhase.rows.length} workspaces rows copied to a new snapshot`);
    const carryOver = await measureCopy(workspacesPhase.rows);
    // Kinds added to BENCH_KINDS beyond these two (catalog) get the same phase: syncs, the sweep, the command.
    const more: Record<string, KindMeasurement> = {};
    for (const bench of BENCH_KINDS.filter((kind) => kind !== usersBench && kind !== workspacesBench)) {
      more[bench.name] = (await measureKind(phase(bench))).measured;
    }
    const dashboard = await withTenant(
      startBenchTenant(DASHBOARD_TENANT.users, DASHBOARD_TENANT.workspaces, seed, DASHBOARD_TENANT.scanner),
      (small) => measureDashboard(small, options.dashboardSnapshots, log),
    );
    const catalog = await measureCatalog({
      workspaces: options.catalogWorkspaces,
      budget: options.catalogBudget,
      windowSeconds: options.catalogWindowSeconds,
      lineageWorkspaces: options.catalogLineageWorkspaces,
      largestWorkspaces: options.catalogLargestWorkspaces,
      seed,
      ceilingConcurrency: workspacesPhase.measured.ceiling.concurrency,
      log,
    });
    const memory = await measureMemory(usersPhase.measured.runs[0]!, doubled, tenant, users);
    const workspacesMemory = await measureWorkspacesMemory(workspacesPhase.measured.runs[0]!, tenant, config, options);
    log("start-up: import time, package size, and a start with nothing to build");
    const startup = await measureStartup();
    const measured = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, platform: `${process.platform}-${process.arch}` },
      sizes: { users, workspaces, seed, naiveRows: options.naiveRows, httpSeconds: options.httpSeconds },
      load: { atStart: loadAtStart, atEnd: loadAverage() },
      users: usersPhase.measured,
      workspaces: workspacesPhase.measured,
      more,
      naive,
      carryOver,
      memory,
      workspacesMemory,
      http: http!,
      dashboard,
      catalog,
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
 * The heap limit the deployed app gives the Node worker on a 512 MB Flex Consumption instance
 * (infra/modules/functionapp.bicep): every kind must sync the default sizes within it.
 */
export const SMALL_INSTANCE_HEAP_MB = 192;

/**
 * Peak RSS of the users sync at N and 2N users, twice: with Node's defaults on this machine, where 24 GB of memory
 * let V8 grow the heap to several times its live size between full collections, and with the heap limit of a 512 MB
 * instance, where V8 collects sooner.
 */
async function measureMemory(
  first: SyncMeasurement,
  doubled: SimulatedTenant,
  tenant: SimulatedTenant,
  users: number,
): Promise<MemoryGrowth[]> {
  const doubledCalls = 1 + Math.ceil((2 * users) / GRAPH_USERS_PAGE_SIZE);
  const sync = (from: SimulatedTenant, calls: number, nodeArgs: string[]) =>
    withAzurite((azurite) => measureSync(usersBench, from, azurite, { minimumCalls: calls, nodeArgs }));
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
  log(`memory: ${users} and ${2 * users} users with a 512 MB instance's heap limit`);
  const limit = [`--max-old-space-size=${SMALL_INSTANCE_HEAP_MB}`];
  const base = await sync(tenant, first.calls.minimum, limit);
  const instance = growth(
    `heap limit of a 512 MB instance (${limit[0]})`,
    base,
    await sync(doubled, doubledCalls, limit),
  );
  return [defaults, instance];
}

/**
 * Peak RSS of the workspaces sync with every expansion: with Node's defaults (the sweep's first sync), and with the
 * small instance's heap limit at the default `$top` (5,000) and at a small one, which must not differ by more than
 * the page's bytes.
 */
async function measureWorkspacesMemory(
  first: SyncMeasurement,
  tenant: SimulatedTenant,
  config: Config,
  options: BenchOptions,
): Promise<WorkspacesMemory[]> {
  const top = groupsQueryOf(config).top;
  const limit = `--max-old-space-size=${SMALL_INSTANCE_HEAP_MB}`;
  const runs: WorkspacesMemory[] = [
    { heap: "Node defaults on this machine", top, workspaces: first.items, peakRssMb: first.peakRssMb },
  ];
  for (const pageSize of [top, options.smallTop]) {
    log(`memory: workspaces with POWERBI_GROUPS_TOP=${pageSize} and ${limit}`);
    const settings = { POWERBI_GROUPS_TOP: String(pageSize) };
    const minimumCalls = Math.ceil(options.workspaces / pageSize);
    const sync = await withAzurite((azurite) =>
      measureSync(workspacesBench, tenant, azurite, { minimumCalls, nodeArgs: [limit], settings }),
    );
    runs.push({
      heap: `heap limit of a 512 MB instance (${limit})`,
      top: pageSize,
      workspaces: sync.items,
      peakRssMb: sync.peakRssMb,
    });
  }
  return runs;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
