import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { createInventory, type Inventory } from "../../src/app/inventory";
import { functionDefinitions } from "../../src/functions/definitions";
import { KINDS, loadAppConfig } from "../../src/kinds/registry";
import { startLocalHost, type LocalHost } from "../../dev/local/localHost";
import { describeWithTools } from "../support/externalTools";
import { CHROMIUM, launchChromium } from "../support/headlessChromium";
import { trimmed } from "../support/exampleHost";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";
import { thingsKind, warehouse } from "../kinds/thingsKind";

const KINDS_AND_THINGS = [...KINDS, thingsKind];
/** A function key as Azure would want it: the page must pass it on (the local host does not check it). */
const KEY = "test-function-key_0==";
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

interface Manifest {
  id: string;
  status: string;
  startedAt: string;
  counts: Record<string, number>;
  error?: string;
}

let env: TestEnvironment;
let inventory: Inventory;
let host: LocalHost;
let browser: Browser;
let shots: string;

/** The page as a person opens it, with what the browser logged and asked for along the way. */
interface Visit {
  page: Page;
  errors: string[];
  requests: string[];
}

async function visit(viewport: { width: number; height: number }, query = `?code=${encodeURIComponent(KEY)}`) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const seen: Visit = { page, errors: [], requests: [] };
  page.on("console", (message) => {
    if (message.type() === "error") seen.errors.push(message.text());
  });
  page.on("pageerror", (error) => seen.errors.push(error.message));
  page.on("request", (request) => seen.requests.push(request.url()));
  const response = await page.goto(`${host.url}/api/dashboard${query}`);
  expect(response?.status()).toBe(200);
  return seen;
}

async function manifests(kind: string): Promise<Manifest[]> {
  const response = await fetch(`${host.url}/api/snapshots?kind=${kind}&top=1000`);
  return ((await response.json()) as { items: Manifest[] }).items;
}

const numberIn = async (locator: Locator) => Number((await locator.innerText()).replace(/[^\d]/g, ""));
const section = (page: Page, kind: string) => page.getByRole("region", { name: kind, exact: true });

async function syncOk(kind: string): Promise<void> {
  const outcome = await inventory.sync(kind);
  if (outcome.status !== "succeeded") throw new Error(`${kind} sync ${outcome.status}: ${outcome.error ?? ""}`);
}

describeWithTools("the dashboard in headless Chromium", CHROMIUM === undefined ? ["chromium"] : [], () => {
  beforeAll(async () => {
    env = await startTestEnvironment({ users: 40, workspaces: 8 }, { INVENTORY_RESUME_SCHEDULE: "0 0 0 1 1 *" });
    // The page needs variety, not volume: the simulator's two big workspaces are cut down.
    env.tenant.edit({ changeWorkspaces: { 0: trimmed("users"), 1: trimmed("reports") } });
    const config = loadAppConfig(env.settings, KINDS_AND_THINGS);
    inventory = createInventory(config, { kinds: KINDS_AND_THINGS });
    host = await startLocalHost(functionDefinitions(inventory), { port: 0, log: () => undefined });
    browser = await launchChromium();
    // DASHBOARD_SCREENSHOTS=<folder> keeps the screenshots (the README's comes from here); else they are thrown away.
    shots = process.env.DASHBOARD_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), "tenant-inventory-dashboard-"));
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await inventory?.close();
    await env?.close();
    if (shots !== undefined && process.env.DASHBOARD_SCREENSHOTS === undefined) {
      rmSync(shots, { recursive: true, force: true });
    }
  });

  it("says plainly that there is nothing yet before the first sync", async () => {
    const { page, errors } = await visit(DESKTOP);
    expect(await page.title()).toBe("Tenant inventory dashboard");
    await expect(page.getByRole("heading", { level: 1 }).innerText()).resolves.toBe("Tenant inventory");
    for (const kind of ["users", "workspaces", "things"]) {
      const part = section(page, kind);
      await expect(part.getByRole("heading", { level: 2 }).innerText()).resolves.toBe(kind);
      await expect(part.innerText()).resolves.toContain(`No ${kind} sync has run yet.`);
      await expect(part.innerText()).resolves.toContain(`No succeeded ${kind} snapshot yet`);
      await expect(part.innerText()).resolves.toContain("Nothing to compare yet");
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });

  describe("with a few snapshots: three of users, workspaces whose latest run failed, one of things", () => {
    beforeAll(async () => {
      await syncOk("users");
      await syncOk("workspaces");
      env.tenant.edit({
        addUsers: 3,
        removeUsers: [2, 7],
        changeUsers: { 4: { department: "Moved" }, 5: { department: "Moved", jobTitle: "Lead" } },
        addWorkspaces: 2,
        changeWorkspaces: {
          1: (workspace) => ({
            ...workspace,
            name: "Renamed",
            users: ((workspace.users as Record<string, unknown>[] | undefined) ?? []).map((user) => ({
              ...user,
              groupUserAccessRight: "Viewer",
            })),
          }),
        },
      });
      await syncOk("users");
      await syncOk("workspaces");
      env.tenant.edit({ addUsers: 5, changeUsers: { 9: { jobTitle: "Boss" } } });
      await syncOk("users");
      env.tenant.faults.inject({ route: "powerbi.groups", status: 403, body: { error: { code: "Unauthorized" } } });
      expect((await inventory.sync("workspaces")).status).toBe("failed");
      warehouse.things = [
        { id: "t1", colour: "red", parts: [{ name: "wheel", size: 4 }] },
        { id: "t2", colour: "blue", parts: [] },
      ];
      await syncOk("things");
    });

    it("shows each kind's manifest counts, one point per retained snapshot in every line, at 1280×800", async () => {
      const { page, errors, requests } = await visit(DESKTOP);
      for (const kind of ["users", "workspaces", "things"]) {
        const succeeded = (await manifests(kind)).filter((manifest) => manifest.status === "succeeded");
        const part = section(page, kind);
        const figures = part.getByRole("figure");
        expect(await figures.count()).toBeGreaterThan(0);
        for (const figure of await figures.all()) {
          const chart = figure.getByRole("img");
          await expect(chart.getAttribute("aria-labelledby")).resolves.toMatch(/-title .*-desc$/);
          expect(await chart.locator("desc").textContent()).toContain(`over ${succeeded.length} snapshot`);
          const series = await chart.locator("g[data-series]").all();
          expect(series.length).toBeGreaterThan(0);
          for (const line of series) expect(await line.locator("circle").count()).toBe(succeeded.length);
          // The latest values beside the chart, then every number in its table, newest first.
          for (const item of await figure.locator("[data-legend]").all()) {
            const count = (await item.getAttribute("data-legend"))!;
            expect([count, await numberIn(item.locator("strong"))]).toEqual([count, succeeded[0]!.counts[count]]);
          }
          await figure.getByText("Numbers, newest first").click();
          const rows = await figure.locator("tbody tr").all();
          expect(rows).toHaveLength(succeeded.length);
          for (const [index, row] of rows.entries()) {
            for (const cell of await row.locator("td").all()) {
              const count = (await cell.getAttribute("data-count"))!;
              expect([index, count, await numberIn(cell)]).toEqual([index, count, succeeded[index]!.counts[count]]);
            }
          }
        }
      }
      expect(errors).toEqual([]);
      expect(requests.filter((url) => !url.startsWith(`${host.url}/`) && !url.startsWith("data:"))).toEqual([]);
      await page.screenshot({ path: join(shots, "desktop.png"), fullPage: true });
      await page.context().close();
    });

    it("shows what changed last as the diff summary says, fields ranked, with links to the full diff", async () => {
      const { page, errors } = await visit(DESKTOP);
      for (const kind of ["users", "workspaces"]) {
        const [newer, older] = (await manifests(kind)).filter((manifest) => manifest.status === "succeeded");
        const pair = `snapshots/${older!.id}/diff/${newer!.id}`;
        const summary = (await (await fetch(`${host.url}/api/${pair}/summary`)).json()) as Record<string, unknown> & {
          fields: Record<string, number>;
        };
        const card = section(page, kind).getByRole("article", { name: `${kind}: what changed last` });
        for (const name of ["added", "removed", "changed", "unchanged"]) {
          expect([name, await numberIn(card.locator(`[data-tally=${name}] strong`))]).toEqual([name, summary[name]]);
        }
        const shown = await card.locator("ol.fields li").all();
        const ranked = Object.entries(summary.fields).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
        expect(ranked.length).toBeGreaterThan(0);
        const listed = await Promise.all(
          shown.map(async (item) => [await item.locator("code").innerText(), await numberIn(item.locator("span"))]),
        );
        expect(listed).toEqual(ranked);
        const full = card.getByRole("link", { name: "Full diff (JSON)" });
        await expect(full.getAttribute("href")).resolves.toBe(`/api/${pair}?code=${encodeURIComponent(KEY)}`);
      }
      const things = section(page, "things").getByRole("article", { name: "things: what changed last" });
      await expect(things.innerText()).resolves.toContain("Only one snapshot so far");
      expect(errors).toEqual([]);
      await page.context().close();
    });

    it("shows each kind's latest run: the failed one with its error, the others with when and how long", async () => {
      const { page, errors } = await visit(DESKTOP);
      for (const kind of ["users", "workspaces", "things"]) {
        const [latest] = await manifests(kind);
        const card = section(page, kind).getByRole("article", { name: `${kind}: latest run` });
        await expect(card.locator("[data-status]").innerText()).resolves.toBe(latest!.status);
        await expect(card.innerText()).resolves.toContain(latest!.startedAt.slice(0, 16).replace("T", " "));
        await expect(card.innerText()).resolves.toMatch(/Took\s+\d+ (ms|s)/);
        if (latest!.status === "failed") {
          expect(latest!.error).toBeDefined();
          await expect(card.locator(".error").innerText()).resolves.toBe(latest!.error);
        }
      }
      expect((await manifests("workspaces"))[0]!.status).toBe("failed");
      expect(errors).toEqual([]);
      await page.context().close();
    });

    it("passes ?code= on to its own links, and they open: exports, the OpenAPI document", async () => {
      const { page, errors, requests } = await visit(DESKTOP);
      const links = await page.locator("a[data-api]").all();
      expect(links.length).toBeGreaterThan(10);
      for (const link of links) {
        expect(new URL((await link.getAttribute("href"))!, host.url).searchParams.get("code")).toBe(KEY);
      }
      const csv = section(page, "users").getByRole("link", { name: "users (CSV)" });
      const download = await fetch(new URL((await csv.getAttribute("href"))!, host.url));
      expect([download.status, download.headers.get("content-type")]).toEqual([
        200,
        expect.stringMatching(/^text\/csv/),
      ]);
      // The dashboard's own errors; on a JSON document the browser may ask for /favicon.ico, which is not the page's.
      expect(errors).toEqual([]);
      await page.getByRole("link", { name: "OpenAPI document" }).click();
      await page.waitForURL(/openapi\.json/);
      expect(new URL(page.url()).searchParams.get("code")).toBe(KEY);
      expect(requests.at(-1)).toBe(`${host.url}/api/openapi.json?code=${encodeURIComponent(KEY)}`);
      await page.context().close();
    });

    it("fits a phone-sized screen: nothing wider than the screen, every chart within it", async () => {
      const { page, errors } = await visit(PHONE);
      // Run in the page, which has a DOM (this file is type-checked without one).
      const widths = await page.evaluate<{ page: number; screen: number; charts: number[] }>(`({
        page: document.documentElement.scrollWidth,
        screen: window.innerWidth,
        charts: [...document.querySelectorAll("svg.chart")].map((chart) => chart.getBoundingClientRect().right),
      })`);
      expect(widths.page).toBeLessThanOrEqual(widths.screen);
      expect(widths.charts.length).toBeGreaterThan(3);
      for (const right of widths.charts) expect(right).toBeLessThanOrEqual(widths.screen);
      await page.screenshot({ path: join(shots, "phone.png"), fullPage: true });
      expect(errors).toEqual([]);
      await page.context().close();
    });
  });
});
