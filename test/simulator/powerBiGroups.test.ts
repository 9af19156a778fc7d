import { parsePowerBiQuery } from "../../dev/simulator/powerBiQuery";
import type { SimulatedTenant } from "../../dev/simulator/simulatedTenant";
import { simulatedWorkspace, workspaceSummary } from "../../dev/simulator/simulatedWorkspace";
import { errorCode, getJson, GRAPH, POWER_BI, startTenant, tokenFor } from "./simulatorClient";

const WORKSPACES = 60;
const SEED = 3;
const GROUPS = "/v1.0/myorg/admin/groups";
let tenant: SimulatedTenant;
let token: string;

beforeAll(async () => {
  tenant = await startTenant({ workspaces: WORKSPACES, seed: SEED });
  token = await tokenFor(tenant, POWER_BI);
});
afterAll(() => tenant.close());

interface GroupsPage {
  "@odata.context": string;
  value: Record<string, unknown>[];
}

async function page(query: string, bearer = token): Promise<GroupsPage> {
  const answer = await getJson(tenant, `${GROUPS}?${query}`, bearer);
  expect(answer.status).toBe(200);
  return answer.body as GroupsPage;
}

async function listAll(target: SimulatedTenant, top: number, extra = ""): Promise<Record<string, unknown>[]> {
  const bearer = await tokenFor(target, POWER_BI);
  const rows: Record<string, unknown>[] = [];
  for (let skip = 0; ; skip += top) {
    const answer = await getJson(target, `${GROUPS}?$top=${top}&$skip=${skip}${extra}`, bearer);
    const value = (answer.body as GroupsPage).value;
    rows.push(...value);
    if (value.length < top) return rows;
  }
}

describe("Power BI admin/groups", () => {
  it("pages with $top/$skip through every workspace, with only the expanded arrays", async () => {
    const rows = await listAll(tenant, 25, "&$expand=users,datasets");
    expect(rows.map((row) => row.id)).toEqual(
      Array.from({ length: WORKSPACES }, (_, i) => simulatedWorkspace(SEED, i).id),
    );
    rows.forEach((row, index) => {
      const full = simulatedWorkspace(SEED, index) as unknown as Record<string, unknown>;
      const expected = Object.fromEntries(
        Object.entries(full).filter(([key]) => !["reports", "dashboards", "dataflows", "workbooks"].includes(key)),
      );
      expect(row).toEqual(expected);
      expect(row.datasets).toEqual(full.datasets);
    });
  });

  it("sends no arrays without $expand, and every array with all six", async () => {
    const bare = await page("$top=3");
    expect(bare["@odata.context"]).toBe(`${tenant.url}/v1.0/myorg/admin/$metadata#groups`);
    for (const row of bare.value) {
      expect(Object.keys(row)).not.toEqual(expect.arrayContaining(["reports"]));
      expect(row.users).toBeUndefined();
    }
    const full = await page("$top=7&$skip=1&$expand=users,reports,dashboards,datasets,dataflows,workbooks");
    expect(full.value).toEqual(Array.from({ length: 7 }, (_, k) => simulatedWorkspace(SEED, k + 1)));
  });

  it.each<[string, string, (index: number) => boolean]>([
    ["state eq 'Deleted'", "state eq 'Deleted'", (i) => workspaceSummary(SEED, i).state === "Deleted"],
    ["type eq 'PersonalGroup'", "type eq 'PersonalGroup'", (i) => workspaceSummary(SEED, i).type === "PersonalGroup"],
    [
      "an 'and' of both",
      "type eq 'Workspace' and state eq 'Active'",
      (i) => workspaceSummary(SEED, i).type === "Workspace" && workspaceSummary(SEED, i).state === "Active",
    ],
  ])("filters on %s, paging within the filtered list", async (_name, filter, keep) => {
    const rows = await listAll(tenant, 4, `&$filter=${encodeURIComponent(filter)}`);
    const expected = Array.from({ length: WORKSPACES }, (_, i) => i).filter(keep);
    expect(expected.length).toBeGreaterThan(0);
    expect(rows.map((row) => row.id)).toEqual(expected.map((i) => workspaceSummary(SEED, i).id));
  });

  it.each<[string, string]>([
    ["no $top", "$skip=0"],
    ["$top=0", "$top=0"],
    ["$top=5001", "$top=5001"],
    ["a negative $skip", "$top=10&$skip=-1"],
    ["an unknown $expand", "$top=10&$expand=users,tiles"],
    ["an unsupported $filter", "$top=10&$filter=contains(name,'x')"],
    ["an 'or' filter", `$top=10&$filter=${encodeURIComponent("state eq 'Active' or state eq 'Deleted'")}`],
    ["an unknown parameter", "$top=10&$orderby=name"],
  ])("refuses %s with 400", async (_name, query) => {
    const answer = await getJson(tenant, `${GROUPS}?${query}`, token);
    expect(answer.status).toBe(400);
    expect(errorCode(answer.body)).toBe("InvalidRequest");
  });

  it("refuses a Graph token with 401", async () => {
    const answer = await getJson(tenant, `${GROUPS}?$top=1`, await tokenFor(tenant, GRAPH));
    expect(answer.status).toBe(401);
    expect(errorCode(answer.body)).toBe("PowerBINotAuthorizedException");
  });

  it("answers 429 with Retry-After and the service's message once the budget is spent, until reset", async () => {
    const budgeted = await startTenant({ workspaces: 5, powerBiBudget: { calls: 2, retryAfterSeconds: 3392 } });
    try {
      const bearer = await tokenFor(budgeted, POWER_BI);
      const statuses: number[] = [];
      for (let call = 0; call < 3; call++) statuses.push((await getJson(budgeted, `${GROUPS}?$top=1`, bearer)).status);
      expect(statuses).toEqual([200, 200, 429]);
      const throttled = await getJson(budgeted, `${GROUPS}?$top=1`, bearer);
      expect(throttled.headers.get("retry-after")).toBe("3392");
      expect(throttled.body).toEqual({
        error: { code: "TooManyRequests", message: expect.stringContaining("Retry in 3392 seconds") as unknown },
      });
      expect(budgeted.budget.remaining()).toBe(0);
      budgeted.budget.reset();
      expect((await getJson(budgeted, `${GROUPS}?$top=1`, bearer)).status).toBe(200);
      budgeted.budget.limit(0, 60);
      expect((await getJson(budgeted, `${GROUPS}?$top=1`, bearer)).headers.get("retry-after")).toBe("60");
      expect(budgeted.calls.count("powerbi.groups", 429)).toBe(3);
    } finally {
      await budgeted.close();
    }
  });

  it("with unstable paging shows duplicates across pages but never loses a workspace", async () => {
    const unstable = await startTenant({ workspaces: 23, seed: SEED, unstablePaging: 2 });
    try {
      const rows = await listAll(unstable, 10);
      const ids = rows.map((row) => row.id as string);
      expect(ids.length).toBeGreaterThan(23);
      expect(new Set(ids)).toEqual(new Set(Array.from({ length: 23 }, (_, i) => workspaceSummary(SEED, i).id)));
    } finally {
      await unstable.close();
    }
  });
});

describe("parsePowerBiQuery", () => {
  it.each<[string, unknown]>([
    ["$top=5000", { top: 5000, skip: 0, expand: new Set(), filter: [] }],
    [
      "$top=1&$skip=20&$expand= users , reports",
      { top: 1, skip: 20, expand: new Set(["users", "reports"]), filter: [] },
    ],
    [
      "$top=2&$filter=state eq 'Active' and type eq 'O''Brien'",
      {
        top: 2,
        skip: 0,
        expand: new Set(),
        filter: [
          { field: "state", value: "Active" },
          { field: "type", value: "O'Brien" },
        ],
      },
    ],
  ])("parses %s", (query, expected) => {
    expect(parsePowerBiQuery(new URLSearchParams(query))).toEqual(expected);
  });

  it.each([
    "",
    "$top=",
    "$top=1.5",
    "$top=1&$skip=x",
    "$top=1&$expand=",
    "$top=1&$filter=state eq Active",
    "$top=1&$filter=name eq 'x'",
  ])("refuses %j", (query) => {
    expect(typeof parsePowerBiQuery(new URLSearchParams(query))).toBe("string");
  });
});
