import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bitsFor } from "../../bench/kindPhase";
import type { BenchResults } from "../../bench/results";

const USERS = 300;
const WORKSPACES = 12;
/** Written after half the users rows, so it must fit in the other half. */
const NAIVE_ROWS = 100;
/** Three scans of up to 100 workspaces, one getInfo a window: the full scan spans three windows. */
const CATALOG_WORKSPACES = 300;
/** Rows per partition the ceiling tries: one layout besides the product's keeps the tiny run short. */
const LAYOUTS = [200];
const DASHBOARD_SNAPSHOTS = 3;
const CATALOG_WINDOW_SECONDS = 4;
const LINEAGE_WORKSPACES = 100;
const LARGEST_WORKSPACES = 200;

let outDir: string;
let stdout = "";
let results: BenchResults;

/**
 * Runs `npm run bench`'s entry (built by `npm run jest`) at a tiny size, only to keep it from rotting: every phase
 * must run and report sane structure and counts. No figure is timed or compared here; that is the benchmark's job.
 */
beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), "tenant-inventory-bench-"));
  const args = [
    ...["--users", String(USERS), "--workspaces", String(WORKSPACES), "--naive-rows", String(NAIVE_ROWS)],
    ...["--catalog-workspaces", String(CATALOG_WORKSPACES), "--catalog-budget", "1"],
    ...["--catalog-window-seconds", String(CATALOG_WINDOW_SECONDS)],
    ...["--catalog-lineage-workspaces", String(LINEAGE_WORKSPACES)],
    ...["--layouts", LAYOUTS.join(","), "--dashboard-snapshots", String(DASHBOARD_SNAPSHOTS)],
    ...["--catalog-largest-workspaces", String(LARGEST_WORKSPACES)],
  ];
  const child = spawn(
    process.execPath,
    [
      "dist/bench/run.js",
      ...args,
      ...["--http-seconds", "1", "--concurrency", "4,16", "--read-samples", "3", "--small-top", "5", "--out", outDir],
      ...["--cpu-prof", join(outDir, "profiles")],
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`the benchmark exited ${code}: ${stderr.slice(-3000)}`);
  results = JSON.parse(readFileSync(join(outDir, "latest.json"), "utf8")) as BenchResults;
}, 900_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("npm run bench at a tiny size", () => {
  it("syncs every user and workspace in the minimum number of upstream calls, in every run", () => {
    // A users sync reads the subscribed SKUs (one call) before its one page of users.
    for (const [kind, items, calls] of [
      ["users", USERS, 2],
      ["workspaces", WORKSPACES, 1],
    ] as const) {
      const { runs, sync } = results[kind];
      expect(runs).toHaveLength(2);
      expect(runs).toContainEqual(sync);
      for (const run of runs) {
        expect(run).toMatchObject({
          kind,
          status: "succeeded",
          items,
          calls: { made: calls, minimum: calls, retries: 0 },
        });
        expect(run.transactions).toBeGreaterThanOrEqual(Math.ceil(run.rows / 100));
        expect(run.peakRssMb).toBeGreaterThan(0);
      }
    }
    // A row per user and per subscribed SKU.
    expect(results.users.sync.rows).toBe(USERS + 5);
    expect(results.workspaces.sync.rows).toBeGreaterThan(WORKSPACES);
  });

  it("writes as many rows in each ceiling try as the sync did, reads each layout back, and the naive sample", () => {
    for (const kind of ["users", "workspaces"] as const) {
      const { tries, ceiling, sync } = results[kind];
      // Each layout of LAYOUTS rows a partition, and the product's for a first run (512 partitions), is tried at the
      // lower concurrency with its reads, then the fastest at the other.
      const layouts = [...new Set([...LAYOUTS.map((per) => bitsFor(sync.rows, per)), 9])].sort((a, b) => b - a);
      const read = tries.slice(0, layouts.length);
      const best = read.reduce((top, attempt) => (attempt.rowsPerSecond > top.rowsPerSecond ? attempt : top));
      expect(tries.map((attempt) => [attempt.partitionBits, attempt.concurrency])).toEqual([
        ...layouts.map((bits) => [bits, 4]),
        [best.partitionBits, 16],
      ]);
      expect(tries).toContainEqual(ceiling);
      for (const attempt of tries) expect(attempt.rows).toBe(sync.rows);
      expect(read[0]!.reads).toMatchObject({ pages: 3, top: 100, exportItems: kind === "users" ? USERS : WORKSPACES });
      for (const attempt of read) expect(attempt.reads).toMatchObject({ pages: 3, top: 100 });
      expect(tries.at(-1)!.reads).toBeUndefined();
    }
    expect(results.naive.rows).toBe(NAIVE_ROWS);
  });

  it("runs the whole npm run sync of each kind twice as a person runs it, then under the small instance's heap", () => {
    for (const kind of ["users", "workspaces"] as const) {
      const { command, commands, smallHeapCommand } = results[kind];
      expect(commands.map((run) => [run.kind, run.status, run.command])).toEqual(
        Array.from({ length: 2 }, () => [kind, "succeeded", `npm run sync -- ${kind}`]),
      );
      expect(command.wallMs).toBe(Math.min(...commands.map((run) => run.wallMs)));
      expect(smallHeapCommand).toMatchObject({ kind, status: "succeeded" });
      expect(smallHeapCommand.command).toBe(`NODE_OPTIONS=--max-old-space-size=192 npm run sync -- ${kind}`);
      for (const run of [...commands, smallHeapCommand]) expect(run.wallMs).toBeGreaterThan(run.durationMs);
    }
  });

  it("copies the workspaces rows to a new snapshot", () => {
    expect(results.carryOver.rows).toBe(results.workspaces.sync.rows);
  });

  it("lists each kind from upstream alone, in the same pages", () => {
    expect(results.users.upstream).toMatchObject({ items: USERS, pages: 1 });
    expect(results.workspaces.upstream).toMatchObject({ items: WORKSPACES, pages: 1 });
  });

  it("measures memory at N and 2N users with both heap sizings", () => {
    expect(results.memory).toHaveLength(2);
    for (const growth of results.memory) {
      expect(growth).toMatchObject({ users: USERS, doubledUsers: 2 * USERS });
      expect(growth.ratio).toBeCloseTo(growth.doubledPeakRssMb / growth.peakRssMb);
    }
    expect(results.memory[1]!.heap).toContain("--max-old-space-size=192");
    expect(results.workspacesMemory.map((run) => [run.top, run.workspaces])).toEqual([
      [5000, WORKSPACES],
      [5000, WORKSPACES],
      [5, WORKSPACES],
    ]);
  });

  it("loads the HTTP API and the direct reads at 1 and 16 clients without a failure", () => {
    for (const list of [results.http.http, results.http.direct]) {
      expect(list.map((figures) => figures.clients)).toEqual([1, 16]);
      for (const figures of list) {
        expect(figures.failures).toBe(0);
        expect(figures.requests).toBeGreaterThan(0);
      }
    }
  });

  it("loads the dashboard of some snapshots of each kind, one chart point per snapshot, in at most 2 storage requests per kind", () => {
    const { dashboard } = results;
    const each = DASHBOARD_SNAPSHOTS;
    expect(dashboard.snapshotsPerKind).toEqual({ users: each, workspaces: each, catalog: each });
    expect(dashboard.pointsPerKind).toEqual({ users: each, workspaces: each, catalog: each });
    // One manifest query for every kind, then each kind's kept diff summary.
    expect(dashboard.storageRequests).toEqual({
      total: 4,
      perKind: { "manifests of every kind": 1, users: 1, workspaces: 1, catalog: 1 },
    });
    expect(dashboard.pageBytes).toBeGreaterThan(10_000);
    expect(stdout).toContain("== Dashboard");
  });

  it("scans the catalog in the fewest calls, pausing at each spent budget, then incrementally after 2 % changed", () => {
    const { catalog } = results;
    expect(catalog).toMatchObject({
      workspaces: CATALOG_WORKSPACES,
      heapMb: 256,
      window: { ms: CATALOG_WINDOW_SECONDS * 1000, factor: 900, getInfo: 1, scanResult: 1 },
      bound: { windows: 3 },
    });
    expect(catalog.tenantWorkspaces).toBeGreaterThan(CATALOG_WORKSPACES);
    const { full, incremental } = catalog;
    const calls = (list: number, scans: number) => ({ list, getInfo: scans, scanResult: scans });
    expect(full).toMatchObject({
      status: "succeeded",
      counts: { workspaces: CATALOG_WORKSPACES, scanned: CATALOG_WORKSPACES, carried: 0 },
      calls: { made: calls(1, 3), minimum: calls(1, 3), retries: 0 },
    });
    // A window's getInfo each: the call after it is refused in every window but the last. The run pauses there
    // unless collecting its scan outlasted the window (the first workspaces are big).
    expect(full.calls.refused.getInfo).toBeGreaterThanOrEqual(2);
    expect(full.invocations.map((invocation) => invocation.status)).toEqual([
      ...full.invocations.slice(1).map(() => "paused"),
      "succeeded",
    ]);
    expect(full.wallMs).toBeGreaterThanOrEqual(full.activeMs);
    expect(full.peakRssMb).toBeGreaterThan(0);
    // Every 50th listed workspace, in one scan; the rest carried over, in the one invocation a window allows.
    expect(incremental).toMatchObject({
      changed: CATALOG_WORKSPACES / 50,
      status: "succeeded",
      counts: { workspaces: CATALOG_WORKSPACES, scanned: CATALOG_WORKSPACES / 50, carried: 294 },
      calls: { made: calls(2, 1), minimum: calls(2, 1), refused: { getInfo: 0, scanResult: 0 }, retries: 0 },
    });
    expect(incremental.invocations.map((invocation) => invocation.status)).toEqual(["succeeded"]);
    // The ceiling writes the incremental snapshot's rows again, as many as the run wrote.
    expect(catalog.ceiling.rows).toBe(incremental.rows);
    expect(catalog.ceiling.partitionBits).toBe(incremental.partitionBits);
    // The floor's read: every item (with its overflow rows) and down edge of the full scan.
    expect(catalog.carriedRead.rows).toBeGreaterThanOrEqual(
      full.counts.workspaces! + full.counts.items! + full.counts.edges!,
    );
    expect(incremental.azuriteCpuMs).toBeGreaterThan(0);
    // The memory run: the service's own budget, which never binds, so no call is refused and nothing pauses.
    expect(catalog.largestWorkspaces).toBe(LARGEST_WORKSPACES);
    expect(catalog.largest).toMatchObject({
      status: "succeeded",
      counts: { workspaces: LARGEST_WORKSPACES, scanned: LARGEST_WORKSPACES },
      calls: { made: calls(1, 2), minimum: calls(1, 2), refused: { getInfo: 0, scanResult: 0 }, retries: 0 },
    });
    expect(catalog.largest.invocations.map((invocation) => invocation.status)).toEqual(["succeeded"]);
    expect(catalog.largest.peakRssMb).toBeGreaterThan(0);
    expect(stdout).toContain("== Catalog");
  });

  it("reads the hub's lineage and a smaller one's, as the simulator has them, in about a storage request a node", () => {
    const { lineage, lineageWorkspaces } = results.catalog;
    expect(lineageWorkspaces).toBe(LINEAGE_WORKSPACES);
    expect(lineage.map((figures) => figures.root)).toEqual([
      "the hub data source",
      "a root with a tenth of its answer",
    ]);
    const [hub, other] = lineage;
    expect(other!.nodes).toBeLessThan(hub!.nodes);
    for (const figures of lineage) {
      expect(figures.nodes).toBe(figures.expectedNodes);
      expect(figures.edges).toBeGreaterThanOrEqual(figures.nodes - 1);
      // A key-range read per node reached, and a few to find the snapshot and the root.
      expect(figures.storageRequests).toBeGreaterThanOrEqual(figures.nodes);
      expect(figures.storageRequests).toBeLessThanOrEqual(figures.nodes + 10);
      expect(figures.rounds).toBe(5);
    }
  });

  it("measures start-up both ways", () => {
    const { deployed, bundled } = results.startup;
    expect(deployed.packages).toBeGreaterThan(10);
    expect(deployed.bytes).toBeGreaterThan(deployed.appBytes);
    expect(bundled.files).toBe(1);
    expect(bundled.importMs).toBeGreaterThan(0);
    expect(results.startup.noOpStart.syncHelpMs).toBeGreaterThan(results.startup.noOpStart.buildCheckMs);
  });

  it("reports every target and prints the table", () => {
    expect(results.targets.map((target) => target.goal)).toEqual([
      "≥ 0.85",
      "≥ 0.85",
      "≥ 0.85",
      "≥ 8",
      "= 1",
      "= 1",
      "≤ 1.15",
      "≤ 300",
      "≤ 300",
      "≤ 1.15",
      "≤ 300",
      "≤ 300",
      "≤ 1.5",
      "≤ 1.5",
      "≤ 1.5",
      "≤ 2000",
      "≤ 2",
      "≤ 3",
      "= 1",
      "= 1",
      "≤ 1.1",
      "≤ 0.15",
      "≤ 1.25",
      "≤ 1.1",
      "1/1.5 to 1.5",
      "≤ 400",
    ]);
    expect(stdout).toContain("== Targets");
    expect(stdout).toContain(join(outDir, "latest.json"));
  });

  it("writes a CPU profile of every sync process, its Azurite and every ceiling try's Azurite with --cpu-prof", () => {
    const profiles = (folder: string) =>
      readdirSync(join(outDir, "profiles", folder)).filter((name) => name.endsWith(".cpuprofile")).length;
    for (const kind of ["users", "workspaces"]) {
      for (const run of [1, 2]) {
        expect([kind, run, profiles(`${kind}-sync-${run}/sync`), profiles(`${kind}-sync-${run}/azurite`)]).toEqual([
          kind,
          run,
          1,
          1,
        ]);
      }
    }
    const ceilings = readdirSync(join(outDir, "profiles")).filter((name) => name.startsWith("users-ceiling-"));
    expect(ceilings.map(profiles)).toEqual(ceilings.map(() => 1));
    expect(ceilings.length).toBeGreaterThan(1);
  });
});
