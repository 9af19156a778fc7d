import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInventory } from "../src/app/inventory";
import { KINDS, loadAppConfig } from "../src/kinds/registry";
import type { Azurite } from "../dev/local/azurite";
import type { SimulatedTenant } from "../dev/simulator/simulatedTenant";
import { collect } from "./childProcess";
import { productSettings, withAzurite } from "./services";
import { startStorageProxy } from "./storageProxy";

/**
 * The page's cost does not grow with the tenant once each kind's latest summary is kept (it reads manifests, not
 * rows), so a small tenant makes its snapshots quickly; nor with how long a scan takes, so the catalog's scans
 * take 50 ms instead of the simulator's 2 s (30 catalog syncs took 2 minutes).
 */
export const DASHBOARD_TENANT = { users: 200, workspaces: 12, scanner: { scanDelayMs: 50 } };
/** Timed loads of each URL, taken in turns so that both see the same machine. */
const ROUNDS = 40;

export interface DashboardMeasurement {
  snapshotsPerKind: Record<string, number>;
  /** Points in each kind's first chart: as many as snapshots. */
  pointsPerKind: Record<string, number>;
  /** Storage requests of one load of the page, all of them and by what they read (see byKind). */
  storageRequests: { total: number; perKind: Record<string, number> };
  /** The first load after the syncs, which computes each kind's latest diff summary and keeps it. */
  firstLoadMs: number;
  pageBytes: number;
  /** Medians over ROUNDS loads, each read to its last byte. */
  pageMs: number;
  snapshotsListMs: number;
  rounds: number;
}

/**
 * The dashboard with `snapshots` succeeded snapshots of each kind, the tenant changing between syncs:
 * `GET /api/dashboard` (the whole page: its data is in it, and it requests nothing else) against a plain
 * `GET /api/snapshots?kind=users`, through the local host in a child process; and the storage requests of one page
 * load, counted by a proxy in front of Azurite.
 */
export async function measureDashboard(
  tenant: SimulatedTenant,
  snapshots: number,
  log: (message: string) => void,
): Promise<DashboardMeasurement> {
  return withAzurite(async (azurite) => {
    log(`dashboard: ${snapshots} syncs of each kind`);
    await seed(tenant, azurite, snapshots);
    const proxy = await startStorageProxy(azurite.connectionString);
    const counted = await startHost({ ...productSettings(tenant, azurite), INVENTORY_STORAGE: proxy.connectionString });
    const direct = await startHost(productSettings(tenant, azurite));
    try {
      const started = performance.now();
      const first = await load(`${direct.url}/api/dashboard`);
      const firstLoadMs = performance.now() - started;
      await load(`${counted.url}/api/dashboard`);
      proxy.reset();
      await load(`${counted.url}/api/dashboard`);
      const storageRequests = byKind(proxy.requests);
      log(`dashboard: ${ROUNDS} loads of the page and of the snapshot list, in turns`);
      const page: number[] = [];
      const list: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        page.push(await timed(`${direct.url}/api/dashboard`));
        list.push(await timed(`${direct.url}/api/snapshots?kind=users`));
      }
      return {
        snapshotsPerKind: await countSnapshots(direct.url),
        pointsPerKind: chartPoints(first),
        storageRequests,
        firstLoadMs,
        pageBytes: Buffer.byteLength(first),
        pageMs: median(page),
        snapshotsListMs: median(list),
        rounds: ROUNDS,
      };
    } finally {
      await Promise.all([counted.stop(), direct.stop()]);
      await proxy.close();
    }
  });
}

/** `snapshots` syncs of each kind, in this process, with users and workspaces changing in between. */
async function seed(tenant: SimulatedTenant, azurite: Azurite, snapshots: number): Promise<void> {
  const settings = productSettings(tenant, azurite);
  // DefaultAzureCredential reads the managed identity endpoint from the process environment.
  const saved = { IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT, IDENTITY_HEADER: process.env.IDENTITY_HEADER };
  Object.assign(process.env, {
    IDENTITY_ENDPOINT: settings.IDENTITY_ENDPOINT,
    IDENTITY_HEADER: settings.IDENTITY_HEADER,
  });
  const inventory = createInventory(loadAppConfig({ ...process.env, ...settings }));
  // The page needs snapshots, not volume: the simulator's two big workspaces (5,000 users, 2,000 reports) are cut.
  const cut = (array: string) => (workspace: Record<string, unknown>) => ({
    ...workspace,
    [array]: (workspace[array] as unknown[] | undefined)?.slice(0, 12),
  });
  tenant.edit({ changeWorkspaces: { 0: cut("users"), 1: cut("reports") } });
  try {
    for (let round = 0; round < snapshots; round++) {
      if (round > 0) {
        tenant.edit({
          addUsers: 1 + (round % 3),
          removeUsers: [round * 2],
          changeUsers: { [round * 2 + 1]: { department: `Moved ${round}` } },
          ...(round % 4 === 0 ? { addWorkspaces: 1 } : {}),
          touchWorkspaces: [round % 5],
        });
      }
      // The scanner allows 30 modified-workspace calls an hour: each round starts a new hour, for the simulator.
      tenant.scanner.resetBudgets();
      for (const kind of inventory.kinds) {
        const outcome = await inventory.sync(kind.name);
        if (outcome.status !== "succeeded") throw new Error(`${kind.name} sync ${outcome.status}: ${outcome.error}`);
      }
    }
  } finally {
    await inventory.close();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** Succeeded snapshots of each kind, as the API lists them. */
async function countSnapshots(url: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { name: kind } of KINDS) {
    const page = JSON.parse(await load(`${url}/api/snapshots?kind=${kind}&top=1000`)) as {
      items: { status: string }[];
    };
    counts[kind] = page.items.filter((item) => item.status === "succeeded").length;
  }
  return counts;
}

/** The points of each kind's first chart on the page: one per snapshot. */
function chartPoints(page: string): Record<string, number> {
  return Object.fromEntries(
    KINDS.map(({ name }) => {
      const section = page.slice(page.indexOf(`id="kind-${name}"`));
      return [name, Number(/data-points="(\d+)"/.exec(section)?.[1] ?? NaN)];
    }),
  );
}

/**
 * What each storage request read: the manifests (one query for every kind, or one naming a kind), or a row of a
 * kind's snapshot (its kept diff summary), named by the snapshot id in its key.
 */
function byKind(requests: readonly string[]): DashboardMeasurement["storageRequests"] {
  const perKind: Record<string, number> = {};
  for (const request of requests) {
    const kind = KINDS.find(
      ({ name }) => request.includes(`kind eq '${name}'`) || new RegExp(`Z-${name}-[0-9a-f]{6}`).test(request),
    );
    const name = kind?.name ?? (request.includes("InventorySnapshots()") ? "manifests of every kind" : "other");
    perKind[name] = (perKind[name] ?? 0) + 1;
  }
  return { total: requests.length, perKind };
}

export async function load(url: string): Promise<string> {
  const response = await fetch(url);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${text.slice(0, 500)}`);
  return text;
}

async function timed(url: string): Promise<number> {
  const started = performance.now();
  await load(url);
  return performance.now() - started;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

export interface Host {
  url: string;
  stop(): Promise<void>;
}

/** The local host in a child process of its own (bench/hostChild.ts), with `env`'s settings. */
export async function startHost(env: Record<string, string>): Promise<Host> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, "hostChild.js")], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collect(child);
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill("SIGTERM");
    await once(child, "exit");
  };
  let text = "";
  for await (const chunk of child.stdout!) {
    text += String(chunk);
    if (text.includes("\n")) return { url: (JSON.parse(text.split("\n")[0]!) as { url: string }).url, stop };
  }
  await stop();
  throw new Error(`the host exited before listening: ${output().stderr}`);
}
