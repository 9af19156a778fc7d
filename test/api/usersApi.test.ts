import { expectedPowerBiLicense, storedUser } from "../support/powerBiRules";
import { simulatedUser, type SimulatedUser } from "../../dev/simulator/simulatedUser";
import { syncKind } from "../../src/app/inventory";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";
import { ApiClient, errorCode, errorMessage } from "./apiClient";

const SEED = 21;
const USERS = 1_500;

let env: TestEnvironment;
let client: ApiClient;
let users: SimulatedUser[];

beforeAll(async () => {
  env = await startTestEnvironment({ users: USERS, seed: SEED });
  client = new ApiClient(env.config);
  users = Array.from({ length: USERS }, (_, index) => simulatedUser(SEED, index));
  expect(await syncKind("users", env.config)).toMatchObject({ status: "succeeded", counts: { users: USERS } });
});
afterAll(() => env.close());

/** A user as stored: the configured Graph properties, as the simulator served them, and powerBiLicense. */
const stored = (user: SimulatedUser) => storedUser(env.config, user);
const license = (user: SimulatedUser) => expectedPowerBiLicense(user.assignedLicenses);

const startsWith = (value: string | null, prefix: string) => (value ?? "").toLowerCase().startsWith(prefix);

describe("users filters", () => {
  it.each<[string, Record<string, string>, (user: SimulatedUser) => boolean]>([
    ["enabled accounts", { accountEnabled: "true" }, (u) => u.accountEnabled],
    ["disabled accounts", { accountEnabled: "false" }, (u) => !u.accountEnabled],
    ["guests", { userType: "Guest" }, (u) => u.userType === "Guest"],
    ["members", { userType: "Member" }, (u) => u.userType === "Member"],
    ["a department with & and /", { department: "R&D / Platform" }, (u) => u.department === "R&D / Platform"],
    ["a Japanese department", { department: "研究開発部" }, (u) => u.department === "研究開発部"],
    ["Premium Per User holders", { powerBiLicense: "ppu" }, (u) => license(u) === "ppu"],
    ["Pro holders", { powerBiLicense: "pro" }, (u) => license(u) === "pro"],
    ["free licence holders", { powerBiLicense: "free" }, (u) => license(u) === "free"],
    ["users without Power BI", { powerBiLicense: "none" }, (u) => license(u) === "none"],
    [
      "disabled Pro holders",
      { powerBiLicense: "pro", accountEnabled: "false" },
      (u) => !u.accountEnabled && license(u) === "pro",
    ],
    ["a UPN prefix, any case", { search: "JANE.D" }, (u) => startsWith(u.userPrincipalName, "jane.d")],
    ["a display name prefix", { search: "Maria G" }, (u) => startsWith(u.displayName, "maria g")],
    ["an apostrophe", { search: "siobhán o'" }, (u) => startsWith(u.displayName, "siobhán o'")],
    ["CJK", { search: "田中" }, (u) => startsWith(u.displayName, "田中")],
    ["an emoji at the end", { search: "sam 🎉" }, (u) => startsWith(u.displayName, "sam 🎉")],
    [
      "a prefix of UPNs or names",
      { search: "s" },
      (u) => startsWith(u.userPrincipalName, "s") || startsWith(u.displayName, "s"),
    ],
    [
      "several filters at once",
      { accountEnabled: "true", userType: "Guest", search: "a" },
      (u) =>
        u.accountEnabled &&
        u.userType === "Guest" &&
        (startsWith(u.userPrincipalName, "a") || startsWith(u.displayName, "a")),
    ],
  ])("selects %s on the server, across pages", async (_, query, predicate) => {
    const expected = users.filter(predicate);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(USERS);
    const { items } = await client.allPages("listUsers", { snapshotId: "latest" }, { ...query, top: "37" });
    expect(items.map((item) => item.id).sort()).toEqual(expected.map((user) => user.id).sort());
    const byId = new Map(expected.map((user) => [user.id, user]));
    for (const item of items) expect(item).toEqual(stored(byId.get(item.id as string)!));
  });

  it("answers an empty page when nothing matches, even past the last code point", async () => {
    const last = await client.call("listUsers", { params: { snapshotId: "latest" }, query: { search: "\u{10ffff}" } });
    expect(last.body).toMatchObject({ items: [], continuationToken: null });
    const answer = await client.call("listUsers", {
      params: { snapshotId: "latest" },
      query: { search: "zzzz-nobody" },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ items: [], continuationToken: null });
  });
});

describe("fields", () => {
  it("trims items to the named properties, in that order", async () => {
    const answer = await client.call("listUsers", {
      params: { snapshotId: "latest" },
      query: { fields: "userPrincipalName,id,department", top: "1000" },
    });
    const items = answer.body.items as Record<string, unknown>[];
    expect(items).toHaveLength(1000);
    const byId = new Map(users.map((user) => [user.id, user]));
    for (const item of items) {
      expect(Object.keys(item)).toEqual(["userPrincipalName", "id", "department"]);
      const user = byId.get(item.id as string)!;
      expect(item).toEqual({ userPrincipalName: user.userPrincipalName, id: user.id, department: user.department });
    }
  });

  it.each([
    [{ fields: "displayname" }, "UnknownField", "displayName"],
    [{ fields: "id,signInActivity" }, "UnknownField", "userPrincipalName"],
    [{ fields: "id,id" }, "InvalidParameter", "twice"],
    [{ fields: "" }, "InvalidParameter", "fields"],
    [{ fields: "id,a b" }, "InvalidParameter", "property name"],
  ])("rejects %j with 400 %s", async (query, code, mentions) => {
    const answer = await client.call("listUsers", { params: { snapshotId: "latest" }, query });
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe(code);
    expect(errorMessage(answer)).toContain(mentions);
  });

  it.each([
    ["a name with a space", "id,a b", 'fields: "a b" is not a property name such as displayName'],
    [
      "an empty name",
      "id,,mail",
      "fields: an empty name; separate property names with single commas, such as id,displayName",
    ],
    ["a name twice", "id,id", 'fields: "id" is named twice'],
    ["101 names", Array.from({ length: 101 }, (_, index) => `p${index}`).join(","), "fields: 101 names; at most 100"],
    ["4001 characters", "x".repeat(4001), "fields: longer than 4000 characters"],
  ])("words %s in fields= in its own terms, naming the parameter", async (_, fields, message) => {
    const answer = await client.call("listUsers", { params: { snapshotId: "latest" }, query: { fields } });
    expect([answer.status, errorCode(answer), errorMessage(answer)]).toEqual([400, "InvalidParameter", message]);
  });
});

describe("bad input", () => {
  it.each([
    ["an unknown parameter", { filter: "x" }, "UnknownParameter", ["accountEnabled", "userType", "search", "fields"]],
    ["a user type in the wrong case", { userType: "guest" }, "InvalidParameter", ['"Member"', '"Guest"']],
    ["a boolean that is not", { accountEnabled: "yes" }, "InvalidParameter", ['"true"', '"false"']],
    ["a blank search", { search: "  " }, "InvalidParameter", ["search"]],
    ["an unknown format", { format: "xml" }, "InvalidParameter", ["json", "csv", "ndjson"]],
    ["top with an export", { format: "csv", top: "10" }, "NotApplicable", ["top"]],
    ["bom without csv", { bom: "true" }, "NotApplicable", ["csv"]],
    ["a control character", { search: "jane\u0001" }, "InvalidParameter", ["control characters"]],
    ["an overlong department", { department: "x".repeat(300) }, "InvalidParameter", ["department"]],
  ])("answers %s with 400 naming what is allowed", async (_, query, code, mentions) => {
    const answer = await client.call("listUsers", { params: { snapshotId: "latest" }, query });
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe(code);
    for (const text of mentions) expect(errorMessage(answer)).toContain(text);
  });
});
