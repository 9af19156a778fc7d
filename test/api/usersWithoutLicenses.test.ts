import { simulatedUser } from "../../dev/simulator/simulatedUser";
import { syncKind } from "../../src/app/inventory";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";
import { ApiClient, errorCode, errorMessage } from "./apiClient";

const SEED = 4;
const USERS = 40;
// Without assignedLicenses, and without userType: no powerBiLicense, and no guest count either.
const SELECT = "id,displayName,userPrincipalName,accountEnabled";

let env: TestEnvironment;
let client: ApiClient;
let snapshotId: string;

beforeAll(async () => {
  env = await startTestEnvironment({ users: USERS, seed: SEED }, { GRAPH_USER_SELECT: SELECT });
  client = new ApiClient(env.config);
  const result = await syncKind("users", env.config);
  expect(result.status).toBe("succeeded");
  snapshotId = result.snapshotId;
});
afterAll(() => env.close());

describe("users when GRAPH_USER_SELECT leaves out assignedLicenses", () => {
  it("stores users as selected, without powerBiLicense, and still reads the SKUs", async () => {
    const { items } = await client.allPages("listUsers", { snapshotId: "latest" });
    const expected = Array.from({ length: USERS }, (_, index) => {
      const user = simulatedUser(SEED, index);
      const { id, displayName, userPrincipalName, accountEnabled } = user;
      return { id, displayName, userPrincipalName, accountEnabled };
    });
    const byId = (a: { id?: unknown }, b: { id?: unknown }) => String(a.id).localeCompare(String(b.id));
    expect(items.sort(byId)).toEqual(expected.sort(byId));
    const licenses = await client.allPages("listLicenses", { snapshotId: "latest" });
    expect(licenses.items).toHaveLength(5);
  });

  it("counts what the selected properties tell, and no licence counts", async () => {
    const answer = await client.call("getSnapshot", { params: { snapshotId } });
    const disabled = Array.from({ length: USERS }, (_, index) => simulatedUser(SEED, index)).filter(
      (user) => !user.accountEnabled,
    ).length;
    expect(answer.body.counts).toEqual({ users: USERS, licenses: 5, disabled, invalid: 0 });
  });

  it.each([
    ["the powerBiLicense filter", { powerBiLicense: "pro" }, "NotApplicable", "GRAPH_USER_SELECT"],
    ["powerBiLicense in fields", { fields: "id,powerBiLicense" }, "UnknownField", "powerBiLicense"],
  ])("answers %s with a 400 that says why", async (_, query, code, mentions) => {
    const answer = await client.call("listUsers", { params: { snapshotId: "latest" }, query });
    expect([answer.status, errorCode(answer)]).toEqual([400, code]);
    expect(errorMessage(answer)).toContain(mentions);
  });

  it("exports the selected properties only", async () => {
    const answer = await client.call("listUsers", { params: { snapshotId: "latest" }, query: { format: "csv" } });
    expect(answer.text.split("\r\n")[0]).toBe(SELECT);
  });
});
