import { loadAppConfig } from "../../src/kinds/registry";
import { simulatedUser } from "../../dev/simulator/simulatedUser";
import { syncKind } from "../../src/app/inventory";
import {
  expectedUsers,
  expectUsersServed,
  fastUpstream,
  guardUnhandledRejections,
  rowCount,
  tablesOf,
} from "../support/reliability";
import { routeCaller } from "../support/routes";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";

const SEED = 13;
const USERS = 1_200;

let env: TestEnvironment;
guardUnhandledRejections();

beforeAll(async () => {
  env = await startTestEnvironment({ users: USERS, workspaces: 5, seed: SEED }, { POWERBI_GROUPS_EXPAND: "datasets" });
});
afterAll(() => env.close());
afterEach(() => env.tenant.faults.clear());

// Page 2 of the users list (users 999..1199) comes back with one user without an id and one with a wrong type.
const MISSING_ID = 1_003;
const WRONG_TYPE = 1_010;
function breakTwoUsers(): void {
  env.tenant.faults.inject({
    route: "graph.users",
    kind: "rewrite",
    after: 1,
    rewrite: (body) => {
      const page = body as { value: Record<string, unknown>[] };
      delete page.value[MISSING_ID - 999]!.id;
      page.value[WRONG_TYPE - 999]!.accountEnabled = "yes";
      return page;
    },
  });
}

describe("malformed upstream items are counted in the manifest; INVENTORY_INVALID_ITEMS decides the run", () => {
  it("skip: the run succeeds without them, and counts.invalid says how many were left out", async () => {
    breakTwoUsers();
    const config = loadAppConfig({ ...env.settings, INVENTORY_INVALID_ITEMS: "skip" });
    const logs: string[] = [];
    const result = await syncKind("users", config, { ...fastUpstream(), log: (line) => logs.push(line) });
    expect(result).toMatchObject({ status: "succeeded", counts: { users: USERS - 2, invalid: 2 } });
    expect(logs.join("\n")).toMatch(/Skipped 2 invalid users item\(s\) on page 2/);
    const expected = expectedUsers(config, SEED, USERS);
    expected.delete(simulatedUser(SEED, MISSING_ID).id);
    expected.delete(simulatedUser(SEED, WRONG_TYPE).id);
    await expectUsersServed(routeCaller(config), result.snapshotId, expected);
  });

  it("fail (the default): the run fails, says why, counts them, and keeps no rows", async () => {
    breakTwoUsers();
    const result = await syncKind("users", env.config, fastUpstream());
    expect(result).toMatchObject({ status: "failed", counts: { invalid: 2 } });
    expect(result.error).toMatch(/^InvalidItemsError: 2 invalid users item\(s\) on page 2; first: id: /);
    expect(await rowCount(await tablesOf(env.config), env.tenant.tenantId, result.snapshotId)).toBe(0);
  });

  it("workspaces: an item of the wrong shape is skipped and counted", async () => {
    env.tenant.faults.inject({
      route: "powerbi.groups",
      kind: "rewrite",
      rewrite: (body) => {
        const page = body as { value: Record<string, unknown>[] };
        page.value[2]!.datasets = "not an array";
        return page;
      },
    });
    const config = loadAppConfig({ ...env.settings, INVENTORY_INVALID_ITEMS: "skip" });
    const result = await syncKind("workspaces", config, fastUpstream());
    expect(result).toMatchObject({ status: "succeeded", counts: { workspaces: 4, invalid: 1 } });
  });

  it("a page that is not a list at all fails the run with the service named", async () => {
    env.tenant.faults.inject({ route: "graph.users", kind: "rewrite", rewrite: () => ({ value: "nope" }) });
    const result = await syncKind("users", env.config, fastUpstream());
    expect(result).toMatchObject({ status: "failed" });
    expect(result.error).toMatch(/graph \/v1\.0\/users answered 200 UnexpectedPayload/);
  });
});
