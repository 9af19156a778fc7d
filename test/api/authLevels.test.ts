import { inventoryFor } from "../../src/app/inventory";
import { loadAppConfig } from "../../src/kinds/registry";
import { functionDefinitions, type HttpFunction } from "../../src/functions/definitions";

const http = functionDefinitions(inventoryFor(loadAppConfig({}))).filter(
  (d): d is HttpFunction => d.trigger === "http",
);

describe("auth levels", () => {
  it("gives every HTTP route exactly its intended level", () => {
    expect(Object.fromEntries(http.map((route) => [route.name, route.authLevel]))).toEqual({
      health: "anonymous",
      openApi: "anonymous",
      listSnapshots: "function",
      getSnapshot: "function",
      listUsers: "function",
      listLicenses: "function",
      listWorkspaces: "function",
      getWorkspace: "function",
      listItems: "function",
      getItem: "function",
      listDatasources: "function",
      getLineage: "function",
      diffSnapshots: "function",
      diffSummary: "function",
      dashboard: "function",
      dashboardData: "function",
      requestSync: "admin",
    });
  });

  it("keeps anything that reads the inventory or changes it behind a key", () => {
    const anonymous = http.filter((route) => route.authLevel === "anonymous").map((route) => route.route);
    expect(anonymous.sort()).toEqual(["health", "openapi.json"]);
    for (const route of http.filter((r) => r.route.startsWith("snapshots"))) expect(route.authLevel).toBe("function");
    for (const route of http.filter((r) => !r.methods.every((method) => method === "GET"))) {
      expect([route.name, route.authLevel]).toEqual([route.name, "admin"]);
    }
  });

  it("keeps admin routes out of /admin, which the Functions host reserves", () => {
    for (const route of http) expect(route.route.toLowerCase().startsWith("admin")).toBe(false);
  });
});
