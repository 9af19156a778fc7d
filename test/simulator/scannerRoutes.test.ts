import { workspaceSummary } from "../../dev/simulator/simulatedWorkspace";
import type { SimulatedTenant } from "../../dev/simulator/simulatedTenant";
import { FULL_SCAN, type ScanRequest, type WorkspaceInfoResponse } from "../../dev/simulator/scannerTypes";
import { scannerWorkspaceInfo } from "../../dev/simulator/scannerWorkspace";
import { postGetInfo, scanAll, SCANNER, scanQuery, startScan, TestClock } from "./scannerClient";
import { errorCode, getJson, GRAPH, POWER_BI, startTenant, tokenFor } from "./simulatorClient";

const SEED = 5;
const WORKSPACES = 40;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const DELAY = 1000;

let clock: TestClock;
let tenant: SimulatedTenant;
let token: string;

const ids = (count: number, from = 0): string[] =>
  Array.from({ length: count }, (_, k) => workspaceSummary(SEED, from + k).id);

beforeEach(async () => {
  clock = new TestClock();
  tenant = await startTenant({ seed: SEED, workspaces: WORKSPACES, scanner: { now: clock.now, scanDelayMs: DELAY } });
  token = await tokenFor(tenant, POWER_BI);
});
afterEach(() => tenant.close());

async function status(scanId: string): Promise<ScanRequest> {
  const answer = await getJson(tenant, `${SCANNER}/scanStatus/${scanId}`, token);
  expect(answer.status).toBe(200);
  return answer.body as ScanRequest;
}

describe("admin/workspaces/modified", () => {
  it("lists every workspace not deleted, as a bare array, with some ids upper-case", async () => {
    const answer = await getJson(tenant, `${SCANNER}/modified`, token);
    expect(answer.status).toBe(200);
    const listed = (answer.body as { id: string }[]).map((row) => row.id);
    const expected = Array.from({ length: WORKSPACES }, (_, i) => i)
      .filter((i) => workspaceSummary(SEED, i).state !== "Deleted")
      .map((i) => workspaceSummary(SEED, i).id);
    expect(listed.map((id) => id.toLowerCase())).toEqual(expected);
    expect(listed).toContain(workspaceSummary(SEED, 9).id.toUpperCase());
    expect(listed).toContain(workspaceSummary(SEED, 10).id);
    expect(listed).toEqual(tenant.scanner.expectedListedIds());
    expect(Object.keys((answer.body as object[])[0] ?? {})).toEqual(["id"]);
  });

  it("leaves out personal and inactive workspaces when asked", async () => {
    const query = "excludePersonalWorkspaces=True&excludeInActiveWorkspaces=true";
    const listed = ((await getJson(tenant, `${SCANNER}/modified?${query}`, token)).body as { id: string }[]).map(
      (row) => row.id.toLowerCase(),
    );
    const expected = Array.from({ length: WORKSPACES }, (_, i) => workspaceSummary(SEED, i))
      .filter((summary) => summary.state === "Active" && summary.type !== "PersonalGroup")
      .map((summary) => summary.id);
    expect(expected.length).toBeGreaterThan(5);
    expect(listed).toEqual(expected);
  });

  it("with modifiedSince lists the workspaces modified since, at 30 days back about one in six", async () => {
    const since = new Date(clock.time - 30 * DAY + MINUTE).toISOString();
    const answer = await getJson(tenant, `${SCANNER}/modified?modifiedSince=${since}`, token);
    expect(answer.status).toBe(200);
    const listed = answer.body as { id: string }[];
    const all = tenant.scanner.expectedListedIds();
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.length).toBeLessThan(all.length);
    expect(listed.map((row) => row.id)).toEqual(tenant.scanner.expectedListedIds({ modifiedSince: Date.parse(since) }));
    // Workspace 0 was modified three days before the tenant started.
    expect(listed.map((row) => row.id)).toContain(workspaceSummary(SEED, 0).id);
  });

  it.each<[string, (now: number) => string]>([
    ["29 minutes ago", (now) => new Date(now - 29 * MINUTE).toISOString()],
    ["in the future", (now) => new Date(now + HOUR).toISOString()],
    ["31 days ago", (now) => new Date(now - 31 * DAY).toISOString()],
    ["with an offset instead of Z", () => "2025-01-10T08:00:00+01:00"],
    ["a date without time", () => "2025-01-10"],
    ["not a date", () => "yesterday"],
  ])("refuses modifiedSince %s with 400", async (_name, since) => {
    const answer = await getJson(
      tenant,
      `${SCANNER}/modified?modifiedSince=${encodeURIComponent(since(clock.time))}`,
      token,
    );
    expect(answer.status).toBe(400);
    expect(errorCode(answer.body)).toBe("InvalidRequest");
    expect(JSON.stringify(answer.body)).toContain("modifiedSince");
  });

  it("accepts modifiedSince just inside both bounds, with seven fractional digits", async () => {
    const recent = new Date(clock.time - 31 * MINUTE).toISOString().replace(/Z$/, "0000Z");
    const old = new Date(clock.time - 30 * DAY + MINUTE).toISOString();
    expect((await getJson(tenant, `${SCANNER}/modified?modifiedSince=${recent}`, token)).body).toEqual([]);
    expect((await getJson(tenant, `${SCANNER}/modified?modifiedSince=${old}`, token)).status).toBe(200);
  });

  it.each(["excludePersonalWorkspaces=yes", "top=10"])("refuses %s with 400", async (query) => {
    const answer = await getJson(tenant, `${SCANNER}/modified?${query}`, token);
    expect(answer.status).toBe(400);
    expect(errorCode(answer.body)).toBe("InvalidRequest");
  });
});

describe("edits and modified times", () => {
  it("lists changed, touched and added workspaces as modified at the edit, and shows the change in scans", async () => {
    const editedAt = clock.time + 2 * HOUR;
    clock.time = editedAt;
    tenant.edit({
      touchWorkspaces: [10],
      changeWorkspaces: { 11: (workspace) => ({ ...workspace, name: "Renamed by an admin" }) },
      addWorkspaces: 2,
      removeWorkspaces: [12],
    });
    clock.advance(31 * MINUTE);
    const since = new Date(editedAt - MINUTE).toISOString();
    const modified = (await getJson(tenant, `${SCANNER}/modified?modifiedSince=${since}`, token)).body as {
      id: string;
    }[];
    expect(modified.map((row) => row.id.toLowerCase())).toEqual([
      ...ids(2, 10),
      ...ids(2, WORKSPACES).filter((_, k) => workspaceSummary(SEED, WORKSPACES + k).state !== "Deleted"),
    ]);
    const all = ((await getJson(tenant, `${SCANNER}/modified`, token)).body as { id: string }[]).map((row) =>
      row.id.toLowerCase(),
    );
    expect(all).not.toContain(workspaceSummary(SEED, 12).id);

    const result = await scanAll(tenant, token, ids(4, 10), { lineage: true }, clock);
    const [touched, renamed, ...rest] = result.workspaces;
    // Workspace 12 was removed: a scan simply leaves it out.
    expect(rest.map((workspace) => workspace.id)).toEqual(ids(1, 13));
    expect(touched?.name).toMatch(/ \(edited 1\)$/);
    expect(touched?.reports.map((report) => report.name)).toContain("Edited report 1");
    expect(renamed?.name).toBe("Renamed by an admin");
    // admin/groups shows the touch too.
    const groups = (await getJson(tenant, "/v1.0/myorg/admin/groups?$top=11", token)).body as {
      value: { name: string }[];
    };
    expect(groups.value[10]?.name).toBe(touched?.name);
  });

  it("keeps a scan's view of the tenant: edits after getInfo do not change its result", async () => {
    const scan = await startScan(tenant, token, ids(1, 14), {});
    tenant.edit({ touchWorkspaces: [14], removeWorkspaces: [14] });
    clock.advance(DELAY);
    const result = (await getJson(tenant, `${SCANNER}/scanResult/${scan.id}`, token)).body as WorkspaceInfoResponse;
    expect(result.workspaces.map((workspace) => workspace.name)).toEqual([scannerWorkspaceInfo(SEED, 14, {}).name]);
    expect((await scanAll(tenant, token, ids(1, 14), {}, clock)).workspaces).toEqual([]);
  });
});

describe("getInfo, scanStatus and scanResult", () => {
  it("answers 202 with the scan, moves NotStarted → Running → Succeeded on the clock, then serves the result", async () => {
    const requested = [
      ...ids(3, 20),
      workspaceSummary(SEED, 23).id.toUpperCase(),
      "0f084df7-c13d-451b-af5f-ed0c466403b2",
    ];
    const answer = await postGetInfo(tenant, token, JSON.stringify({ workspaces: requested }), scanQuery(FULL_SCAN));
    expect(answer.status).toBe(202);
    const scan = answer.body as ScanRequest;
    expect(scan).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      createdDateTime: new Date(clock.time).toISOString().replace(/Z$/, "0000Z"),
      status: "NotStarted",
    });
    expect(answer.headers.get("location")).toBe(`${tenant.url}${SCANNER}/scanStatus/${scan.id}`);
    expect((await status(scan.id)).status).toBe("NotStarted");
    const early = await getJson(tenant, `${SCANNER}/scanResult/${scan.id}`, token);
    expect(early.status).toBe(400);
    expect(errorCode(early.body)).toBe("InvalidRequest");
    clock.advance(DELAY / 2);
    expect((await status(scan.id)).status).toBe("Running");
    clock.advance(DELAY / 2);
    expect(await status(scan.id)).toEqual({ ...scan, status: "Succeeded" });
    const result = await getJson(tenant, `${SCANNER}/scanResult/${scan.id}`, token);
    expect(result.status).toBe(200);
    const body = result.body as WorkspaceInfoResponse;
    // The unknown id is simply absent; the upper-case one is found; ids come back lower-case.
    expect(body.workspaces.map((workspace) => workspace.id)).toEqual(ids(4, 20));
    expect(body).toEqual(tenant.scanner.expectedResult(requested, FULL_SCAN));
    expect(Object.keys(body)).toEqual(["workspaces", "datasourceInstances", "misconfiguredDatasourceInstances"]);
  });

  it.each<[string, string, string]>([
    ["an empty list", JSON.stringify({ workspaces: [] }), ""],
    ["101 workspaces", JSON.stringify({ workspaces: ids(40).concat(ids(40), ids(21)) }), ""],
    ["an id that is not a GUID", JSON.stringify({ workspaces: ["workspace-1"] }), ""],
    ["no workspaces member", JSON.stringify({ ids: ids(1) }), ""],
    ["a body that is not JSON", "workspaces=1", ""],
    ["a flag that is not a boolean", JSON.stringify({ workspaces: ids(1) }), "lineage=yes"],
    ["an unknown parameter", JSON.stringify({ workspaces: ids(1) }), "lineage=true&schema=true"],
  ])("refuses %s with 400", async (_name, body, query) => {
    const answer = await postGetInfo(tenant, token, body, query);
    expect(answer.status).toBe(400);
    expect(errorCode(answer.body)).toBe("InvalidRequest");
    expect(tenant.scanner.activeScans()).toBe(0);
  });

  it("answers 404 for an unknown scan, 400 for an id that is not a GUID, 405 for a GET of getInfo", async () => {
    const unknown = "e7d03602-4873-4760-b37e-1563ef5358e3";
    for (const route of ["scanStatus", "scanResult"]) {
      const missing = await getJson(tenant, `${SCANNER}/${route}/${unknown}`, token);
      expect([missing.status, errorCode(missing.body)]).toEqual([404, "PowerBIEntityNotFound"]);
      expect((await getJson(tenant, `${SCANNER}/${route}/not-a-scan`, token)).status).toBe(400);
    }
    expect((await getJson(tenant, `${SCANNER}/getInfo`, token)).status).toBe(405);
  });

  it("forgets results 24 hours after the scan, and all at once on expireResults()", async () => {
    const old = await startScan(tenant, token, ids(1), {});
    clock.advance(DAY - DELAY);
    const fresh = await startScan(tenant, token, ids(1), {});
    clock.advance(DELAY - 1);
    expect((await getJson(tenant, `${SCANNER}/scanResult/${old.id}`, token)).status).toBe(200);
    clock.advance(1);
    for (const route of ["scanStatus", "scanResult"]) {
      expect((await getJson(tenant, `${SCANNER}/${route}/${old.id}`, token)).status).toBe(404);
    }
    expect((await getJson(tenant, `${SCANNER}/scanResult/${fresh.id}`, token)).status).toBe(200);
    tenant.scanner.expireResults();
    expect((await getJson(tenant, `${SCANNER}/scanResult/${fresh.id}`, token)).status).toBe(404);
  });

  it("ends scans Failed with an error object after failNext(), and only those", async () => {
    tenant.scanner.failNext(2, { code: "ScanTimeout", message: "Took too long." });
    const failed = [await startScan(tenant, token, ids(1), {}), await startScan(tenant, token, ids(1), {})];
    const good = await startScan(tenant, token, ids(1), {});
    clock.advance(DELAY / 2);
    expect((await status(failed[0]?.id ?? "")).status).toBe("Running");
    clock.advance(DELAY / 2);
    for (const scan of failed) {
      expect(await status(scan.id)).toEqual({
        ...scan,
        status: "Failed",
        error: { code: "ScanTimeout", message: "Took too long." },
      });
      expect((await getJson(tenant, `${SCANNER}/scanResult/${scan.id}`, token)).status).toBe(400);
    }
    expect((await status(good.id)).status).toBe("Succeeded");
  });

  it("refuses a 17th running scan with 429 without Retry-After, and accepts one once a scan is done", async () => {
    for (let scan = 0; scan < 16; scan += 1) {
      clock.advance(10);
      await startScan(tenant, token, ids(1), {});
    }
    expect(tenant.scanner.activeScans()).toBe(16);
    const busy = await postGetInfo(tenant, token, JSON.stringify({ workspaces: ids(1) }));
    expect(busy.status).toBe(429);
    expect(busy.headers.get("retry-after")).toBeNull();
    expect(errorCode(busy.body)).toBe("TooManyRequests");
    clock.advance(DELAY - 150);
    // The first scan (10 ms in) is done after its second: 15 are still under way.
    expect(tenant.scanner.activeScans()).toBe(15);
    expect((await postGetInfo(tenant, token, JSON.stringify({ workspaces: ids(1) }))).status).toBe(202);
  });
});

describe("budgets", () => {
  it("allows 30 modified calls an hour, then 429 with Retry-After until the window ends; a bad request spends too", async () => {
    expect((await getJson(tenant, `${SCANNER}/modified?top=1`, token)).status).toBe(400);
    for (let call = 1; call < 30; call += 1) {
      expect((await getJson(tenant, `${SCANNER}/modified`, token)).status).toBe(200);
    }
    expect(tenant.scanner.budget("modified")).toEqual({ limit: 30, used: 30, remaining: 0, resetsInMs: HOUR });
    clock.advance(20 * MINUTE + 500);
    const throttled = await getJson(tenant, `${SCANNER}/modified`, token);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe(String(40 * 60));
    expect(errorCode(throttled.body)).toBe("TooManyRequests");
    // Other calls have budgets of their own.
    expect((await postGetInfo(tenant, token, JSON.stringify({ workspaces: ids(1) }))).status).toBe(202);
    clock.advance(40 * MINUTE - 500);
    expect((await getJson(tenant, `${SCANNER}/modified`, token)).status).toBe(200);
    expect(tenant.scanner.budget("modified").used).toBe(1);
  });

  it("does not spend budget on calls without a valid Power BI token", async () => {
    const graph = await getJson(tenant, `${SCANNER}/modified`, await tokenFor(tenant, GRAPH));
    expect([graph.status, errorCode(graph.body)]).toEqual([401, "PowerBINotAuthorizedException"]);
    expect((await getJson(tenant, `${SCANNER}/scanStatus/${ids(1)[0]}`)).status).toBe(401);
    expect((await postGetInfo(tenant, undefined, JSON.stringify({ workspaces: ids(1) }))).status).toBe(401);
    for (const call of ["modified", "getInfo", "scanStatus"] as const) expect(tenant.scanner.budget(call).used).toBe(0);
  });

  it("scales the window: a shortened one refills in its own time, and limits can be set per call", async () => {
    const fast = await startTenant({
      seed: SEED,
      workspaces: 3,
      scanner: { now: clock.now, windowMs: 2000, scanDelayMs: 0, limits: { getInfo: 2, scanResult: 1 } },
    });
    try {
      const bearer = await tokenFor(fast, POWER_BI);
      const first = await scanAll(fast, bearer, ids(1), {});
      expect(first.workspaces).toHaveLength(1);
      await startScan(fast, bearer, ids(1), {});
      clock.advance(700);
      const spent = await postGetInfo(fast, bearer, JSON.stringify({ workspaces: ids(1) }));
      expect([spent.status, spent.headers.get("retry-after")]).toEqual([429, "2"]);
      clock.advance(400);
      expect((await postGetInfo(fast, bearer, JSON.stringify({ workspaces: ids(1) }))).headers.get("retry-after")).toBe(
        "1",
      );
      clock.advance(900);
      expect((await postGetInfo(fast, bearer, JSON.stringify({ workspaces: ids(1) }))).status).toBe(202);
      fast.scanner.setLimit("getInfo", 0);
      expect((await postGetInfo(fast, bearer, JSON.stringify({ workspaces: ids(1) }))).status).toBe(429);
      fast.scanner.setLimit("getInfo", 500);
      fast.scanner.resetBudgets();
      expect(fast.scanner.budget("getInfo")).toEqual({ limit: 500, used: 0, remaining: 500, resetsInMs: 2000 });
      expect(fast.calls.count("powerbi.getInfo", 429)).toBe(3);
      expect(fast.calls.count("powerbi.scanResult", 200)).toBe(1);
    } finally {
      await fast.close();
    }
  });

  it("answers injected faults in the service's shape", async () => {
    tenant.faults.inject({ route: "powerbi.scanResult", status: 429, retryAfterSeconds: 3392 });
    const answer = await getJson(tenant, `${SCANNER}/scanResult/${ids(1)[0]}`, token);
    expect([answer.status, answer.headers.get("retry-after"), errorCode(answer.body)]).toEqual([
      429,
      "3392",
      "TooManyRequests",
    ]);
  });
});
