import { join } from "node:path";

/** What one benchmark run measures, and at what size. */
export interface BenchOptions {
  users: number;
  workspaces: number;
  seed: number;
  /** Rows the naive baseline writes one `upsertEntity` at a time; compared per row. */
  naiveRows: number;
  /** How long each HTTP load and each direct-read loop runs. */
  httpSeconds: number;
  /**
   * The storage ceiling's sweep: rows per partition (each the nearest layout the product can make, a power of two
   * of partitions) and transactions in flight. Every layout is tried at the middle concurrency, then the best
   * layout at the others; the fastest try is the ceiling.
   */
  layouts: number[];
  ceilingConcurrencies: number[];
  /** Sync runs of each kind (child processes, as syncKind runs), taking turns with the ceiling's tries. */
  syncRuns: number;
  /** Pages read at random positions at each layout of the sweep (one client), besides one export of the row set. */
  readSamples: number;
  /** The small POWERBI_GROUPS_TOP of the workspaces memory run (the other is the default, 5,000). */
  smallTop: number;
  /** Workspaces the catalog's full scan lists and scans (the simulated tenant is sized to list exactly these). */
  catalogWorkspaces: number;
  /**
   * The scanner's getInfo (and scanResult) calls a budget window, and the window's length. At the service's 500 an
   * hour a scan of fewer than 50,000 workspaces never meets the budget; 5 a window make 5,000 workspaces span 10
   * windows, as 500,000 do at 500 an hour, and 30-second windows keep that within five minutes.
   */
  catalogBudget: number;
  catalogWindowSeconds: number;
  /** Workspaces of the tenant the lineage is read from (Azurite's queries slow down as its table grows). */
  catalogLineageWorkspaces: number;
  /** Succeeded snapshots of each kind the dashboard is loaded with. */
  dashboardSnapshots: number;
  /** Workspaces of the largest catalog full scan, unthrottled, whose peak RSS is the memory figure. */
  catalogLargestWorkspaces: number;
  /** Where `<date>.json` and `latest.json` are written. */
  outDir: string;
  /**
   * When set, every users and workspaces sync child, its Azurite, and the Azurite of every ceiling try write a V8 CPU
   * profile (`node --cpu-prof`) into a folder of this directory named for the run.
   */
  cpuProfDir: string | undefined;
}

export const USAGE = [
  "usage: npm run bench -- [--users N] [--workspaces N] [--quick] [--naive-rows N] [--http-seconds S]",
  "                        [--layouts 100,200,400,800] [--concurrency 8,16,32] [--sync-runs N] [--read-samples N]",
  "                        [--small-top N] [--catalog-workspaces N] [--catalog-budget N]",
  "                        [--catalog-window-seconds S] [--catalog-lineage-workspaces N]",
  "                        [--catalog-largest-workspaces N] [--dashboard-snapshots N]",
  "                        [--seed N] [--out DIR] [--cpu-prof DIR]",
  "  --quick   small sizes (2,000 users, 200 workspaces, 1,000 catalog workspaces) for a fast look; not comparable",
].join("\n");

const DEFAULTS: BenchOptions = {
  users: 100_000,
  workspaces: 10_000,
  seed: 1,
  naiveRows: 5_000,
  httpSeconds: 10,
  layouts: [100, 200, 400, 800],
  ceilingConcurrencies: [8, 16, 32],
  syncRuns: 2,
  readSamples: 100,
  smallTop: 1_000,
  catalogWorkspaces: 5_000,
  catalogBudget: 5,
  catalogWindowSeconds: 30,
  catalogLineageWorkspaces: 1_000,
  dashboardSnapshots: 30,
  catalogLargestWorkspaces: 20_000,
  outDir: join(__dirname, "..", "..", "bench", "results"),
  cpuProfDir: undefined,
};

const VALUED = [
  "--users",
  "--workspaces",
  "--seed",
  "--naive-rows",
  "--http-seconds",
  "--concurrency",
  "--layouts",
  "--sync-runs",
  "--read-samples",
  "--small-top",
  "--catalog-workspaces",
  "--catalog-budget",
  "--catalog-window-seconds",
  "--catalog-lineage-workspaces",
  "--dashboard-snapshots",
  "--catalog-largest-workspaces",
  "--out",
  "--cpu-prof",
];

const QUICK: Partial<BenchOptions> = {
  users: 2_000,
  workspaces: 200,
  naiveRows: 500,
  httpSeconds: 2,
  readSamples: 20,
  catalogWorkspaces: 1_000,
  catalogBudget: 4,
  catalogWindowSeconds: 15,
  catalogLineageWorkspaces: 200,
  catalogLargestWorkspaces: 2_000,
};

/** Parses `npm run bench -- ...` flags; throws with the usage on anything it does not understand. */
export function parseBenchArgs(args: readonly string[]): BenchOptions {
  const options: BenchOptions = { ...DEFAULTS, ...(args.includes("--quick") ? QUICK : {}) };
  for (let index = 0; index < args.length; index++) {
    const flag = args[index]!;
    if (flag === "--quick") continue;
    if (!VALUED.includes(flag)) throw new Error(`unknown flag ${flag}\n${USAGE}`);
    const value = args[index + 1];
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    index++;
    switch (flag) {
      case "--users":
        options.users = count(flag, value, 1);
        break;
      case "--workspaces":
        options.workspaces = count(flag, value, 1);
        break;
      case "--seed":
        options.seed = count(flag, value, 0);
        break;
      case "--naive-rows":
        options.naiveRows = count(flag, value, 1);
        break;
      case "--http-seconds":
        options.httpSeconds = count(flag, value, 1);
        break;
      case "--concurrency":
        options.ceilingConcurrencies = value.split(",").map((part) => count(flag, part, 1));
        break;
      case "--layouts":
        options.layouts = value.split(",").map((part) => count(flag, part, 1));
        break;
      case "--sync-runs":
        options.syncRuns = count(flag, value, 1);
        break;
      case "--read-samples":
        options.readSamples = count(flag, value, 1);
        break;
      case "--dashboard-snapshots":
        options.dashboardSnapshots = count(flag, value, 2);
        break;
      case "--small-top":
        options.smallTop = count(flag, value, 1);
        break;
      case "--catalog-workspaces":
        options.catalogWorkspaces = count(flag, value, 1);
        break;
      case "--catalog-budget":
        options.catalogBudget = count(flag, value, 1);
        break;
      case "--catalog-window-seconds":
        options.catalogWindowSeconds = count(flag, value, 1);
        break;
      case "--catalog-lineage-workspaces":
        options.catalogLineageWorkspaces = count(flag, value, 1);
        break;
      case "--catalog-largest-workspaces":
        options.catalogLargestWorkspaces = count(flag, value, 1);
        break;
      case "--out":
        options.outDir = value;
        break;
      case "--cpu-prof":
        options.cpuProfDir = value;
        break;
      default:
        throw new Error(`unknown flag ${flag}\n${USAGE}`);
    }
  }
  return options;
}

function count(flag: string, text: string, min: number): number {
  const value = /^\d[\d_]*$/.test(text) ? Number(text.replaceAll("_", "")) : NaN;
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${flag}: "${text}" is not an integer ≥ ${min}`);
  return value;
}
