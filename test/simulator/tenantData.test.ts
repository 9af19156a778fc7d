import type { AdminGroup } from "../../dev/simulator/powerBiTypes";
import { WORKSPACE_EXPANSIONS } from "../../dev/simulator/powerBiTypes";
import { simulatedUser, type SimulatedUser } from "../../dev/simulator/simulatedUser";
import {
  BIG_REPORTS_WORKSPACE_INDEX,
  BIG_USERS_WORKSPACE_INDEX,
  expandedWorkspace,
  simulatedWorkspace,
  workspaceSummary,
} from "../../dev/simulator/simulatedWorkspace";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const users: SimulatedUser[] = Array.from({ length: 3000 }, (_, index) => simulatedUser(1, index));
const workspaces: AdminGroup[] = Array.from({ length: 200 }, (_, index) => simulatedWorkspace(1, index));

describe("simulatedUser", () => {
  it("is a pure function of (seed, index)", () => {
    expect(simulatedUser(1, 42)).toEqual(simulatedUser(1, 42));
    expect(simulatedUser(2, 42).id).not.toBe(simulatedUser(1, 42).id);
    expect(simulatedUser(1, 43).id).not.toBe(simulatedUser(1, 42).id);
  });

  it("gives every user a distinct GUID and a distinct UPN", () => {
    expect(users.every((user) => GUID.test(user.id))).toBe(true);
    expect(new Set(users.map((user) => user.id)).size).toBe(users.length);
    expect(new Set(users.map((user) => user.userPrincipalName.toLowerCase())).size).toBe(users.length);
  });

  it.each<[string, number, (user: SimulatedUser) => boolean]>([
    ["an apostrophe", 1, (user) => user.displayName.includes("'")],
    ["an emoji", 2, (user) => /\p{Extended_Pictographic}/u.test(user.displayName)],
    ["a CJK name", 3, (user) => /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}]/u.test(user.displayName)],
    ["an Arabic name", 4, (user) => /\p{Script=Arabic}/u.test(user.displayName)],
    ["a Hebrew name", 5, (user) => /\p{Script=Hebrew}/u.test(user.displayName)],
    ["a disabled account", 6, (user) => !user.accountEnabled],
    ["a guest with an #EXT# UPN", 7, (user) => user.userType === "Guest" && user.userPrincipalName.includes("#EXT#")],
    ["/ # ? in the display name", 8, (user) => /[/#?]/.test(user.displayName) && user.givenName === null],
    [
      "a job title and department at their 128 and 64 limits",
      9,
      (user) => user.jobTitle?.length === 128 && user.department?.length === 64,
    ],
  ])("pins %s at index %i", (_quirk, index, holds) => {
    expect(holds(simulatedUser(1, index))).toBe(true);
    expect(holds(simulatedUser(99, index))).toBe(true);
  });

  it("has about one guest in ten, shaped as Entra B2B guests are", () => {
    const guests = users.filter((user) => user.userType === "Guest");
    expect(guests.length / users.length).toBeGreaterThan(0.07);
    expect(guests.length / users.length).toBeLessThan(0.13);
    for (const guest of guests) {
      expect(guest.userPrincipalName).toMatch(/^[^#@]+_[^#@]+#EXT#@contoso\.onmicrosoft\.com$/);
      expect(["Accepted", "PendingAcceptance"]).toContain(guest.externalUserState);
      expect(guest.assignedLicenses).toEqual([]);
    }
    const members = users.filter((user) => user.userType === "Member");
    expect(members.every((user) => !user.userPrincipalName.includes("#") && user.externalUserState === null)).toBe(
      true,
    );
  });

  it.each<keyof SimulatedUser>(["mail", "department", "jobTitle", "companyName", "officeLocation", "usageLocation"])(
    "leaves %s null for some users and set for others",
    (field) => {
      const nulls = users.filter((user) => user[field] === null).length;
      expect(nulls).toBeGreaterThan(0);
      expect(nulls).toBeLessThan(users.length);
    },
  );

  it("assigns licenses as {skuId, disabledPlans} with real SKU GUIDs", () => {
    const licenses = users.flatMap((user) => user.assignedLicenses);
    expect(licenses.length).toBeGreaterThan(1000);
    expect(licenses.every((license) => GUID.test(license.skuId) && Array.isArray(license.disabledPlans))).toBe(true);
    expect(licenses.some((license) => license.disabledPlans.length > 0)).toBe(true);
    expect(users.every((user) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(user.createdDateTime))).toBe(true);
  });
});

describe("simulatedWorkspace", () => {
  it("is a pure function of (seed, index), and its summary agrees with it", () => {
    expect(simulatedWorkspace(1, 17)).toEqual(simulatedWorkspace(1, 17));
    expect(simulatedWorkspace(2, 17).id).not.toBe(simulatedWorkspace(1, 17).id);
    workspaces.forEach((workspace, index) => {
      const { id, type, state } = workspaceSummary(1, index);
      expect({ id: workspace.id, type: workspace.type, state: workspace.state }).toEqual({ id, type, state });
    });
    expect(new Set(workspaces.map((workspace) => workspace.id)).size).toBe(200);
  });

  it("has a 5,000-member workspace and a 2,000-report workspace, with distinct ids inside", () => {
    const big = workspaces[BIG_USERS_WORKSPACE_INDEX]?.users ?? [];
    expect(big).toHaveLength(5000);
    expect(new Set(big.map((user) => user.identifier)).size).toBe(5000);
    const reports = workspaces[BIG_REPORTS_WORKSPACE_INDEX]?.reports ?? [];
    expect(reports).toHaveLength(2000);
    expect(new Set(reports.map((report) => report.id)).size).toBe(2000);
  });

  it("covers every type and state, and keeps most workspaces small", () => {
    expect(new Set(workspaces.map((workspace) => workspace.type))).toEqual(
      new Set(["Workspace", "PersonalGroup", "Group"]),
    );
    expect(new Set(workspaces.map((workspace) => workspace.state))).toEqual(new Set(["Active", "Deleted", "Removing"]));
    const small = workspaces.filter(
      (workspace) => (workspace.users?.length ?? 0) <= 8 && workspace.reports.length <= 4,
    );
    expect(small.length).toBeGreaterThanOrEqual(195);
  });

  it("has orphaned workspaces (members but no Admin, or nobody) and one whose users are missing", () => {
    const orphaned = workspaces.filter(
      (workspace) =>
        workspace.users !== undefined && !workspace.users.some((user) => user.groupUserAccessRight === "Admin"),
    );
    expect(orphaned.map((workspace) => workspace.name)).toEqual(
      expect.arrayContaining([`Sales "EMEA" – O'Neil's team`, "Nobody home"]),
    );
    expect(orphaned.some((workspace) => (workspace.users?.length ?? 0) > 0)).toBe(true);
    expect(workspaces[7]?.users).toBeUndefined();
  });

  it("puts dedicated-capacity workspaces on upper-case capacity ids, and only those", () => {
    const dedicated = workspaces.filter((workspace) => workspace.isOnDedicatedCapacity);
    expect(dedicated.length).toBeGreaterThan(10);
    expect(dedicated.every((workspace) => /^[0-9A-F-]{36}$/.test(workspace.capacityId ?? ""))).toBe(true);
    expect(
      workspaces.filter((workspace) => !workspace.isOnDedicatedCapacity).every((w) => w.capacityId === undefined),
    ).toBe(true);
  });

  it.each<[string, RegExp]>([
    ["double quotes", /"/],
    ["a slash", /\//],
    ["a backslash", /\\/],
    ["a hash", /#/],
    ["a question mark", /\?/],
    ["an emoji", /\p{Extended_Pictographic}/u],
  ])("names a workspace with %s", (_what, pattern) => {
    expect(workspaces.slice(0, 10).some((workspace) => pattern.test(workspace.name))).toBe(true);
  });

  it("keeps the documented field-name quirks of every artifact", () => {
    const all = <T>(pick: (workspace: AdminGroup) => T[]): T[] => workspaces.flatMap(pick);
    for (const dashboard of all((workspace) => workspace.dashboards)) {
      expect(dashboard).toHaveProperty("displayName");
      expect(dashboard).not.toHaveProperty("name");
    }
    for (const dataset of all((workspace) => workspace.datasets)) {
      expect(dataset).toHaveProperty("ContentProviderType");
      expect(dataset).not.toHaveProperty("contentProviderType");
    }
    for (const dataflow of all((workspace) => workspace.dataflows)) {
      expect(GUID.test(dataflow.objectId)).toBe(true);
      expect(dataflow).not.toHaveProperty("id");
    }
    const books = all((workspace) => workspace.workbooks);
    expect(books.length).toBeGreaterThan(0);
    expect(books.every((book) => Object.keys(book).sort().join() === "datasetId,name")).toBe(true);
    expect(all((workspace) => workspace.dataflows).length).toBeGreaterThan(0);
  });

  it("lists members in the GroupUser shape, guests by their #EXT# UPN", () => {
    const members = workspaces.flatMap((workspace) => workspace.users ?? []);
    expect(new Set(members.map((member) => member.principalType))).toEqual(new Set(["User", "Group", "App"]));
    for (const member of members) {
      expect(
        Object.keys(member).every((key) =>
          ["identifier", "displayName", "emailAddress", "graphId"]
            .concat(["principalType", "userType", "groupUserAccessRight"])
            .includes(key),
        ),
      ).toBe(true);
    }
    expect(members.some((member) => member.userType === "Guest" && member.identifier.includes("#EXT#"))).toBe(true);
    const user = members.find((member) => member.principalType === "User");
    expect(user?.graphId).toBe(users.find((candidate) => candidate.userPrincipalName === user?.identifier)?.id);
  });

  it("builds only the expanded arrays, with the same content as the full workspace", () => {
    for (const index of [0, 1, 6, 42]) {
      const full = simulatedWorkspace(1, index) as unknown as Record<string, unknown>;
      const partial = expandedWorkspace(1, index, new Set(["reports", "workbooks"]));
      const dropped = WORKSPACE_EXPANSIONS.filter((name) => name !== "reports" && name !== "workbooks");
      expect(partial).toEqual(
        Object.fromEntries(Object.entries(full).filter(([key]) => !(dropped as string[]).includes(key))),
      );
    }
  });
});
