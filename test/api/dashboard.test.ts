import { odata } from "@azure/data-tables";
import { createHash } from "node:crypto";
import { HttpRequest, InvocationContext } from "@azure/functions";
import { createInventory, type Inventory } from "../../src/app/inventory";
import { dashboardOperations } from "../../src/api/dashboard/dashboardApi";
import type { Dashboard } from "../../src/api/dashboard/dashboardSchema";
import { KINDS, loadAppConfig } from "../../src/kinds/registry";
import { DERIVED_ROW_SET, DerivedStore } from "../../src/store/derivedStore";
import { partitionKey } from "../../src/store/rowKeys";
import { ManifestStore } from "../../src/store/manifestStore";
import { newSnapshotId } from "../../src/store/snapshot";
import { getInventoryTables } from "../../src/store/tables";
import { thingsKind, warehouse } from "../kinds/thingsKind";
import { trimmed } from "../support/exampleHost";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";
import { ApiClient } from "./apiClient";

const KINDS_AND_THINGS = [...KINDS, thingsKind];

let env: TestEnvironment;
let inventory: Inventory;
let client: ApiClient;
let manifests: ManifestStore;

beforeAll(async () => {
  env = await startTestEnvironment({ users: 30, workspaces: 5, seed: 8 });
  env.tenant.edit({ changeWorkspaces: { 0: trimmed("users"), 1: trimmed("reports") } });
  const config = loadAppConfig(env.settings, KINDS_AND_THINGS);
  inventory = createInventory(config, { kinds: KINDS_AND_THINGS });
  client = new ApiClient(inventory);
  manifests = new ManifestStore((await getInventoryTables(config.storage)).snapshots, env.tenant.tenantId);
});
afterAll(async () => {
  await inventory.close();
  await env.close();
});

async function data(): Promise<Dashboard> {
  const answer = await client.call("dashboardData");
  expect(answer.status).toBe(200);
  return answer.body as unknown as Dashboard;
}

async function page(): Promise<{ text: string; headers: Headers }> {
  const answer = await client.call("dashboard", { query: { code: "a-key" } });
  expect([answer.status, answer.headers.get("content-type")]).toEqual([200, "text/html; charset=utf-8"]);
  return answer;
}

const kindOf = (dashboard: Dashboard, name: string) => dashboard.kinds.find((kind) => kind.kind === name)!;

async function succeeded(kind: string) {
  const answer = await client.call("listSnapshots", { query: { kind, top: "1000" } });
  return (answer.body.items as { id: string; status: string; startedAt: string; counts: Record<string, number> }[])
    .filter((item) => item.status === "succeeded")
    .reverse();
}

describe("GET /dashboard/data and the page", () => {
  it("before any sync: every kind, with no snapshot, no run and nothing to compare", async () => {
    const before = await data();
    expect(before.kinds.map((kind) => kind.kind)).toEqual(["users", "workspaces", "catalog", "things"]);
    for (const kind of before.kinds) {
      expect(kind).toMatchObject({ snapshots: [], latestRun: null, lastChange: null });
    }
    expect(kindOf(before, "things").charts).toEqual([
      {
        title: "Things and their parts",
        series: [
          { count: "things", label: "things" },
          { count: "parts", label: "parts" },
        ],
      },
    ]);
    expect(kindOf(before, "things").exports).toEqual([
      { label: "things (CSV)", path: "snapshots/latest/things?format=csv" },
    ]);
    const { text } = await page();
    expect(text).toContain("No users sync has run yet.");
    expect(text).toContain("No succeeded workspaces snapshot yet");
  });

  it("serves the manifests' counts of every retained succeeded snapshot, oldest first, and the latest diff summary", async () => {
    for (const kind of ["users", "workspaces"]) expect((await inventory.sync(kind)).status).toBe("succeeded");
    env.tenant.edit({ addUsers: 2, removeUsers: [3], changeUsers: { 4: { department: "Moved" } }, addWorkspaces: 1 });
    for (const kind of ["users", "workspaces"]) expect((await inventory.sync(kind)).status).toBe("succeeded");
    const dashboard = await data();
    for (const kind of ["users", "workspaces"]) {
      const served = kindOf(dashboard, kind);
      const listed = await succeeded(kind);
      expect(listed).toHaveLength(2);
      expect(served.snapshots).toEqual(
        listed.map(({ id, startedAt, counts }): unknown => expect.objectContaining({ id, startedAt, counts })),
      );
      expect(served.latestRun).toMatchObject({ id: listed[1]!.id, status: "succeeded" });
      const summary = await client.call("diffSummary", {
        params: { snapshotId: listed[0]!.id, toSnapshotId: listed[1]!.id },
      });
      expect(served.lastChange).toEqual(summary.body);
    }
    expect(kindOf(dashboard, "users").lastChange).toMatchObject({ added: 2, removed: 1, changed: 1 });
    expect(kindOf(dashboard, "workspaces").snapshots[1]!.counts).toMatchObject({
      workspaces: 6,
      orphaned: expect.any(Number) as number,
      dedicated: expect.any(Number) as number,
      personal: expect.any(Number) as number,
    });
  });

  it("keeps a diff summary beside the newer snapshot and answers from it after that", async () => {
    const [older, newer] = await succeeded("users");
    const store = new DerivedStore((await getInventoryTables(env.config.storage)).rows, env.tenant.tenantId);
    const fingerprint = (await summaryName(newer!.id, older!.id))!;
    const kept = (await store.get(newer!.id, fingerprint)) as Record<string, unknown>;
    expect(kept).toEqual(kindOf(await data(), "users").lastChange);
    // What is kept is what is served: a (made-up) kept summary shows on the page, the data and the summary route.
    await store.put(newer!.id, fingerprint, { ...kept, added: 4242 });
    expect(kindOf(await data(), "users").lastChange?.added).toBe(4242);
    expect((await page()).text).toContain("4,242");
    const route = await client.call("diffSummary", { params: { snapshotId: older!.id, toSnapshotId: newer!.id } });
    expect(route.body.added).toBe(4242);
    // Something that is not a summary is counted again, and the count kept.
    await store.put(newer!.id, fingerprint, { not: "a summary" });
    expect(kindOf(await data(), "users").lastChange).toEqual(kept);
    expect(await store.get(newer!.id, fingerprint)).toEqual(kept);
  });

  it("shows a count older manifests lack as a gap in its line, not as a zero", async () => {
    // A things snapshot from before `parts` was counted, older than any real one.
    const old = new Date(Date.now() - 3_600_000);
    await manifests.create(
      {
        id: newSnapshotId("things", old),
        kind: "things",
        status: "succeeded",
        startedAt: old.toISOString(),
        finishedAt: old.toISOString(),
        counts: { things: 1 },
      },
      3,
    );
    warehouse.things = [
      { id: "a", colour: "red", parts: [{ name: "p", size: 1 }] },
      { id: "b", colour: "blue", parts: [] },
    ];
    expect((await inventory.sync("things")).status).toBe("succeeded");
    warehouse.things = [{ id: "a", colour: "blue", parts: [{ name: "p", size: 2 }] }];
    expect((await inventory.sync("things")).status).toBe("succeeded");
    const things = kindOf(await data(), "things");
    expect(things.snapshots.map((snapshot) => snapshot.counts)).toEqual([
      { things: 1 },
      { things: 2, parts: 1, invalid: 0 },
      { things: 1, parts: 1, invalid: 0 },
    ]);
    const { text } = await page();
    const chart = text.slice(text.indexOf('id="kind-things"'));
    const parts = /<g class="series series-1" data-series="parts"[^]*?<\/g\s*>/.exec(chart)![0];
    expect(parts.match(/<circle/g)).toHaveLength(2);
    // One unbroken segment over the two snapshots that count parts: it starts at the second point, not at zero.
    expect(/<path d="M([\d.]+) [\d.]+ L[\d.]+ [\d.]+"/.exec(parts)).not.toBeNull();
    const things0 = /<g class="series series-0" data-series="things"[^]*?<\/g\s*>/.exec(chart)![0];
    expect(Number(/<path d="M([\d.]+)/.exec(parts)![1])).toBeGreaterThan(
      Number(/<path d="M([\d.]+)/.exec(things0)![1]),
    );
    expect(chart).toContain("parts: 1 on");
    expect(chart).toContain("not counted in 1 of them");
    expect(chart).toContain('title="not counted in this snapshot"');
  });

  it("escapes what it shows, and allows only its own inline style and script", async () => {
    const now = new Date();
    await manifests.create(
      {
        id: newSnapshotId("things", now),
        kind: "things",
        status: "failed",
        startedAt: now.toISOString(),
        finishedAt: now.toISOString(),
        counts: {},
        error: `<script>alert("x")</script> & <img src=x onerror=alert(1)>`,
      },
      3,
    );
    const { text, headers } = await page();
    expect(text).not.toContain("<script>alert");
    expect(text).not.toContain("<img src=x");
    expect(text).toContain(
      "&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#60;img src=x onerror=alert(1)&#62;",
    );
    const csp = headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    const inline = (tag: string) => [...text.matchAll(new RegExp(`<${tag}>([^]*?)</${tag}>`, "g"))].map((m) => m[1]!);
    const hash = (content: string) => `'sha256-${createHash("sha256").update(content).digest("base64")}'`;
    expect(inline("style")).toHaveLength(1);
    expect(inline("script")).toHaveLength(1);
    expect(csp).toContain(`style-src ${hash(inline("style")[0]!)}`);
    expect(csp).toContain(`script-src ${hash(inline("script")[0]!)}`);
    expect(text).not.toMatch(/\sstyle="|<script\s|<link rel="stylesheet"/);
    // Nothing from another origin, and the function key is not written into the page (its script passes it on).
    expect(text).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(text).not.toContain("a-key");
    expect(headers.get("cache-control")).toBe("private, no-cache");
  });

  it("shows a paused latest run with when it resumes", async () => {
    const now = new Date(Date.now() + 1000);
    const resumeAfter = new Date(now.getTime() + 30 * 60_000).toISOString();
    await manifests.create(
      {
        id: newSnapshotId("things", now),
        kind: "things",
        status: "paused",
        startedAt: now.toISOString(),
        finishedAt: null,
        counts: { things: 1 },
        resumeAfter,
      },
      3,
    );
    const things = kindOf(await data(), "things");
    expect(things.latestRun).toMatchObject({ status: "paused", resumeAfter });
    const { text } = await page();
    const section = text.slice(text.indexOf('id="kind-things"'));
    expect(section).toMatch(/Resumes after<\/dt>\s*<dd><time datetime="[^"]+">[^<]+ UTC<\/time><\/dd>/);
    expect(section).toContain("Running for");
  });

  it("charts only counts each kind's snapshots report", async () => {
    expect((await inventory.sync("catalog")).status).toBe("succeeded");
    const dashboard = await data();
    for (const kind of KINDS) {
      const served = kindOf(dashboard, kind.name);
      const counts = served.snapshots.at(-1)!.counts;
      const charted = served.charts.flatMap((chart) => chart.series.map((line) => line.count));
      expect(charted.length).toBeGreaterThan(0);
      expect(charted.filter((name) => counts[name] === undefined)).toEqual([]);
    }
    expect(kindOf(dashboard, "catalog").charts.map((chart) => chart.title)).toContain("Items by type");
    expect((await page()).text).toContain("Semantic models without governance");
  });

  it("charts every count of a kind that declares no chart", async () => {
    const things = inventory.kinds.find((kind) => kind.name === "things")!;
    const { data: undeclared } = dashboardOperations([{ ...things, dashboard: undefined }]);
    const request = new HttpRequest({ method: "GET", url: "http://localhost/api/dashboard/data" });
    const answer = await undeclared.handler(request, await inventory.api(), new InvocationContext());
    expect((answer.jsonBody as Dashboard).kinds[0]!.charts).toEqual([
      {
        title: "Counts",
        series: ["invalid", "parts", "things"].map((name) => ({ count: name, label: name })),
      },
    ]);
  });
});

/** The name under which the summary of older → newer is kept (its fingerprint is the store's business). */
async function summaryName(newer: string, older: string): Promise<string | undefined> {
  const tables = await getInventoryTables(env.config.storage);
  const filter = odata`PartitionKey eq ${partitionKey(env.tenant.tenantId, newer, DERIVED_ROW_SET, 0)}`;
  for await (const entity of tables.rows.listEntities({ queryOptions: { filter } })) {
    if (entity.rowKey?.startsWith(`diffSummary|${older}|`) === true) return entity.rowKey;
  }
  return undefined;
}
