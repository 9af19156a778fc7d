import type { SimulatedTenant } from "../../dev/simulator/simulatedTenant";
import { simulatedUser } from "../../dev/simulator/simulatedUser";
import { errorCode, getJson, GRAPH, POWER_BI, startTenant, tokenFor } from "./simulatorClient";

const USERS = 250;
const SEED = 5;
let tenant: SimulatedTenant;
let otherTenant: SimulatedTenant;
let token: string;

beforeAll(async () => {
  tenant = await startTenant({ users: USERS, seed: SEED });
  otherTenant = await startTenant({ users: 1 });
  token = await tokenFor(tenant, GRAPH);
});
afterAll(() => Promise.all([tenant.close(), otherTenant.close()]));

interface UsersPage {
  "@odata.context": string;
  "@odata.nextLink"?: string;
  value: Record<string, unknown>[];
}

async function allPages(first: string): Promise<UsersPage[]> {
  const pages: UsersPage[] = [];
  for (let next: string | undefined = first; next !== undefined;) {
    const answer = await getJson(tenant, next, token);
    expect(answer.status).toBe(200);
    const page = answer.body as UsersPage;
    pages.push(page);
    next = page["@odata.nextLink"];
  }
  return pages;
}

describe("Graph /v1.0/users", () => {
  it("pages through every user with $top and @odata.nextLink, selecting only what was asked", async () => {
    const select = "id,displayName,userPrincipalName,assignedLicenses,externalUserState";
    const pages = await allPages(`/v1.0/users?$select=${select}&$top=100`);
    expect(pages.map((page) => page.value.length)).toEqual([100, 100, 50]);
    for (const page of pages.slice(0, -1)) {
      expect(page["@odata.nextLink"]).toMatch(new RegExp(`^${tenant.url}/v1\\.0/users\\?.*\\$skiptoken=`));
    }
    const users = pages.flatMap((page) => page.value);
    users.forEach((user, index) => {
      const expected = simulatedUser(SEED, index);
      expect(user).toEqual({
        id: expected.id,
        displayName: expected.displayName,
        userPrincipalName: expected.userPrincipalName,
        assignedLicenses: expected.assignedLicenses,
        externalUserState: expected.externalUserState,
      });
    });
    expect(pages[0]?.["@odata.context"]).toBe(`${tenant.url}/v1.0/$metadata#users(${select})`);
  });

  it("pages by 100 with Graph's default properties when no $top or $select is given", async () => {
    const pages = await allPages("/v1.0/users");
    expect(pages.map((page) => page.value.length)).toEqual([100, 100, 50]);
    expect(Object.keys(pages[0]?.value[0] ?? {}).sort()).toEqual(
      ["businessPhones", "displayName", "givenName", "id", "jobTitle", "mail", "mobilePhone"]
        .concat(["officeLocation", "preferredLanguage", "surname", "userPrincipalName"])
        .sort(),
    );
  });

  it("always includes id, matches properties case-insensitively, and gives unknown-but-real properties null", async () => {
    const answer = await getJson(tenant, "/v1.0/users?$select=DisplayName,employeeId&$top=1", token);
    expect((answer.body as UsersPage).value).toEqual([
      { id: simulatedUser(SEED, 0).id, displayName: simulatedUser(SEED, 0).displayName, employeeId: null },
    ]);
  });

  it.each<[string, string, number, string]>([
    ["$top=0", "$top=0", 400, "Request_BadRequest"],
    ["$top=1000", "$top=1000", 400, "Request_BadRequest"],
    ["$top=abc", "$top=abc", 400, "Request_BadRequest"],
    ["$top=-1", "$top=-1", 400, "Request_BadRequest"],
    ["an unknown $select property", "$select=id,favouriteColour", 400, "Request_BadRequest"],
    ["an empty $select entry", "$select=id,,displayName", 400, "Request_BadRequest"],
    ["a single-user-only property", "$select=id,skills", 501, "NotImplemented"],
    ["$filter", "$filter=accountEnabled eq true", 400, "Request_UnsupportedQuery"],
    ["an unknown parameter", "foo=bar", 400, "Request_UnsupportedQuery"],
    [
      "a forged $skiptoken",
      `$skiptoken=${Buffer.from("100.AAAAAAAAAAAAAAAA").toString("base64url")}`,
      400,
      "Request_BadRequest",
    ],
  ])("refuses %s", async (_name, query, status, code) => {
    const answer = await getJson(tenant, `/v1.0/users?${query}`, token);
    expect(answer.status).toBe(status);
    expect(errorCode(answer.body)).toBe(code);
  });

  it.each([1, 999])("accepts $top=%i", async (top) => {
    const answer = await getJson(tenant, `/v1.0/users?$top=${top}&$select=id`, token);
    expect(answer.status).toBe(200);
    expect((answer.body as UsersPage).value).toHaveLength(Math.min(top, USERS));
  });

  it.each<[string, () => Promise<string | undefined>, string]>([
    ["no token", () => Promise.resolve(undefined), "Access token is empty."],
    ["a Power BI token", () => tokenFor(tenant, POWER_BI), "Access token validation failure. Invalid audience."],
    [
      "a token of another tenant",
      async () => tokenFor(otherTenant, GRAPH),
      "Access token validation failure. Invalid signature.",
    ],
  ])("answers %s with 401 InvalidAuthenticationToken", async (_name, pick, message) => {
    const answer = await getJson(tenant, "/v1.0/users", await pick());
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: { code: "InvalidAuthenticationToken", message } });
  });

  it("refuses an expired token", async () => {
    const shortLived = await startTenant({ users: 3, tokenLifetimeSeconds: 1 });
    try {
      const expiring = await tokenFor(shortLived, GRAPH);
      expect((await getJson(shortLived, "/v1.0/users", expiring)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const answer = await getJson(shortLived, "/v1.0/users", expiring);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ error: { message: "Lifetime validation failed, the token is expired." } });
    } finally {
      await shortLived.close();
    }
  });
});
