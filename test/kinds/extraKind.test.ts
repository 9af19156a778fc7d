import { InvocationContext, type Timer } from "@azure/functions";
import { createInventory, type Inventory } from "../../src/app/inventory";
import { functionDefinitions, type TimerFunction } from "../../src/functions/definitions";
import { KINDS, loadAppConfig } from "../../src/kinds/registry";
import { ApiClient, errorCode } from "../api/apiClient";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";
import { thingsKind, warehouse } from "./thingsKind";

const KINDS_AND_THINGS = [...KINDS, thingsKind];

let env: TestEnvironment;
let inventory: Inventory;
let client: ApiClient;

beforeAll(async () => {
  env = await startTestEnvironment({ users: 0, workspaces: 0 });
  const config = loadAppConfig({ ...env.settings, THINGS_SYNC_SCHEDULE: "0 15 4 * * *" }, KINDS_AND_THINGS);
  inventory = createInventory(config, { kinds: KINDS_AND_THINGS });
  client = new ApiClient(inventory);
});
afterAll(() => env.close());

const timer = (name: string) =>
  functionDefinitions(inventory).find((d): d is TimerFunction => d.trigger === "timer" && d.name === name);

async function fire(name: string): Promise<void> {
  const info: Timer = {
    isPastDue: false,
    schedule: { adjustForDST: false },
    scheduleStatus: { last: "", next: "", lastUpdated: "" },
  };
  await timer(name)!.handler(info, new InvocationContext({ functionName: name, logHandler: () => undefined }));
}

describe("a kind defined only in test code, added to the kinds list", () => {
  let first: string;
  let second: string;

  it("gets a timer on the schedule its own setting names", () => {
    expect(timer("syncThings")?.schedule).toBe("0 15 4 * * *");
  });

  it("refuses a bad value of its setting by name, like every setting", () => {
    expect(() => loadAppConfig({ THINGS_SYNC_SCHEDULE: "often" }, KINDS_AND_THINGS)).toThrow(
      "THINGS_SYNC_SCHEDULE: not a valid NCRONTAB schedule",
    );
  });

  it("syncs through its timer into a snapshot the generic routes serve", async () => {
    warehouse.things = [
      { id: "t1", colour: "red", parts: [{ name: "wheel", size: 4 }] },
      { id: "t2", colour: "blue", parts: [] },
      {
        id: "t3",
        colour: "red",
        parts: [
          { name: "lid", size: 1 },
          { name: "box", size: 9 },
        ],
      },
    ];
    await fire("syncThings");
    const latest = await client.call("getSnapshot", { params: { snapshotId: "latest" }, query: { kind: "things" } });
    expect(latest.body).toMatchObject({
      kind: "things",
      status: "succeeded",
      counts: { things: 3, parts: 3, invalid: 0 },
    });
    first = latest.body.id as string;
    expect(first).toMatch(/^\d{8}T\d{9}Z-things-[0-9a-f]{6}$/);
    const list = await client.call("listSnapshots", { query: { kind: "things" } });
    expect((list.body.items as { id: string }[]).map((item) => item.id)).toEqual([first]);
  });

  it("serves its own route, with its filter and paging", async () => {
    const red = await client.allPages("listThings", { snapshotId: "latest" }, { colour: "red", top: "1" });
    expect(red.items.map((item) => item.id).sort()).toEqual(["t1", "t3"]);
    expect(red.items.every((item) => !("parts" in item))).toBe(true);
    const bad = await client.call("listThings", { params: { snapshotId: "latest" }, query: { colour: "green" } });
    expect([bad.status, errorCode(bad)]).toEqual([400, "InvalidParameter"]);
  });

  it("is in the OpenAPI document: its route, its schemas and its name in the generic routes' kind parameter", async () => {
    const document = (await client.call("openApi")).body as {
      paths: Record<string, Record<string, { parameters: { name: string; schema: { enum?: string[] } }[] }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(Object.keys(document.paths)).toContain("/snapshots/{snapshotId}/things");
    expect(document.components.schemas).toHaveProperty("Thing");
    expect(document.components.schemas).toHaveProperty("ThingsPage");
    const kind = document.paths["/snapshots"]!.get!.parameters.find((parameter) => parameter.name === "kind");
    expect(kind?.schema.enum).toEqual([...KINDS.map((known) => known.name), "things"]);
  });

  it("is compared by the generic diff, its child arrays element by element", async () => {
    warehouse.things = [
      { id: "t1", colour: "blue", parts: [{ name: "wheel", size: 5 }] },
      { id: "t3", colour: "red", parts: [{ name: "lid", size: 1 }] },
      { id: "t4", colour: "red", parts: [] },
    ];
    await fire("syncThings");
    second = (await client.call("getSnapshot", { params: { snapshotId: "latest" }, query: { kind: "things" } })).body
      .id as string;
    expect(second).not.toBe(first);
    const summary = await client.call("diffSummary", { params: { snapshotId: first, toSnapshotId: "latest" } });
    expect(summary.body).toEqual({
      kind: "things",
      from: first,
      to: second,
      added: 1,
      removed: 1,
      changed: 2,
      unchanged: 0,
      fields: { colour: 1 },
      artifacts: { parts: { added: 0, removed: 1, changed: 1 } },
    });
    const diff = await client.allPages("diffSnapshots", { snapshotId: first, toSnapshotId: second });
    const t1 = diff.items.find((entry) => entry.id === "t1");
    expect(t1).toMatchObject({
      change: "changed",
      fields: ["colour"],
      old: { colour: "red" },
      new: { colour: "blue" },
      artifacts: { parts: { changed: [{ key: "wheel", fields: ["size"], old: { size: 4 }, new: { size: 5 } }] } },
    });
    expect(diff.items.filter((entry) => entry.change !== "changed").map((entry) => [entry.change, entry.id])).toEqual(
      expect.arrayContaining([
        ["added", "t4"],
        ["removed", "t2"],
      ]),
    );
  });

  it("can be requested on demand, and the resume timer runs it", async () => {
    const requested = await client.call("requestSync", { params: { kind: "things" } });
    expect(requested.status).toBe(202);
    expect(requested.body).toMatchObject({ kind: "things", status: "queued" });
    await fire("resumeSyncs");
    const done = await client.call("getSnapshot", { params: { snapshotId: requested.body.snapshotId as string } });
    expect(done.body).toMatchObject({ status: "succeeded", counts: { things: 3 } });
  });

  it("leaves the app without it unchanged: its routes, timer and kind exist only where it is listed", async () => {
    const plain = createInventory(loadAppConfig(env.settings));
    const names = functionDefinitions(plain).map((definition) => definition.name);
    expect(names).not.toContain("listThings");
    expect(names).not.toContain("syncThings");
    const refused = await new ApiClient(plain).call("listSnapshots", { query: { kind: "things" } });
    expect([refused.status, errorCode(refused)]).toEqual([400, "InvalidParameter"]);
  });
});
