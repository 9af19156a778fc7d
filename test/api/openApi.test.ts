import { inventoryFor } from "../../src/app/inventory";
import { loadAppConfig } from "../../src/kinds/registry";
import { functionDefinitions, type HttpFunction } from "../../src/functions/definitions";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";
import { ApiClient, errorCode, errorMessage } from "./apiClient";

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: Record<string, unknown>;
}
type Operation = Record<string, unknown> & {
  parameters: Parameter[];
  responses: Record<string, Record<string, unknown>>;
};
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

let env: TestEnvironment;
let client: ApiClient;
let document: Document;
let routes: HttpFunction[];

beforeAll(async () => {
  env = await startTestEnvironment({ users: 0, workspaces: 0 });
  client = new ApiClient(env.config);
  routes = functionDefinitions(inventoryFor(env.config)).filter((d): d is HttpFunction => d.trigger === "http");
  const answer = await client.call("openApi");
  expect(answer.status).toBe(200);
  document = answer.body as unknown as Document;
});
afterAll(() => env.close());

const operationOf = (route: HttpFunction) => document.paths[`/${route.route}`]?.[route.methods[0]!.toLowerCase()];
const pathParams = (route: HttpFunction) => [...route.route.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1 with exactly the registered HTTP routes", () => {
    expect(document.openapi).toBe("3.1.0");
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method} ${path}`),
    );
    const registered = routes.flatMap((route) => route.methods.map((m) => `${m.toLowerCase()} /${route.route}`));
    expect(documented.sort()).toEqual(registered.sort());
  });

  it.each(functionDefinitions(inventoryFor(loadAppConfig({}))).flatMap((d) => (d.trigger === "http" ? [d.name] : [])))(
    "documents %s with its path and query parameters and its auth level",
    (name) => {
      const route = routes.find((candidate) => candidate.name === name)!;
      const operation = operationOf(route)!;
      expect(operation.operationId).toBe(name);
      const inPath = operation.parameters.filter((p) => p.in === "path");
      expect(inPath.map((p) => p.name)).toEqual(pathParams(route));
      for (const parameter of inPath) expect(parameter.required).toBe(true);
      const inQuery = operation.parameters.filter((p) => p.in === "query").map((p) => p.name);
      expect(inQuery).toEqual(Object.keys(route.doc.query.shape));
      expect(operation["x-auth-level"]).toBe(route.authLevel);
      expect(operation.security).toEqual(
        route.authLevel === "anonymous" ? [] : [{ functionKey: [] }, { functionKeyQuery: [] }],
      );
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(["400", "500"]));
    },
  );

  it.each([
    "listUsers",
    "listLicenses",
    "listWorkspaces",
    "getWorkspace",
    "diffSnapshots",
    "diffSummary",
    "listSnapshots",
  ])("validates %s's query with exactly the parameters it documents", async (name) => {
    const route = routes.find((candidate) => candidate.name === name)!;
    const params = Object.fromEntries(pathParams(route).map((param) => [param, "latest"]));
    const answer = await client.call(name, { params, query: { undocumented: "1" } });
    expect([answer.status, errorCode(answer)]).toEqual([400, "UnknownParameter"]);
    const allowed = errorMessage(answer).split("allowed: ")[1]!.split(", ");
    const documented = operationOf(route)!
      .parameters.filter((p) => p.in === "query")
      .map((p) => p.name);
    expect(allowed).toEqual([...documented, "code"]);
  });

  it("lists the allowed values of the filters and formats", () => {
    const parameter = (path: string, name: string) =>
      document.paths[path]!.get!.parameters.find((p) => p.name === name)!;
    expect(parameter("/snapshots/{snapshotId}/users", "userType").schema.enum).toEqual(["Member", "Guest"]);
    expect(parameter("/snapshots/{snapshotId}/users", "powerBiLicense").schema.enum).toEqual([
      "ppu",
      "pro",
      "free",
      "none",
    ]);
    expect(parameter("/snapshots/{snapshotId}/users", "format").schema.enum).toEqual(["json", "csv", "ndjson"]);
    expect(parameter("/snapshots/{snapshotId}/users", "top").schema).toMatchObject({ type: "integer", maximum: 1000 });
    expect(parameter("/snapshots/{snapshotId}/workspaces", "state").schema.enum).toEqual([
      "Active",
      "Deleted",
      "Removing",
    ]);
    expect(parameter("/snapshots/{snapshotId}/workspaces", "orphaned").schema.enum).toEqual(["true", "false"]);
    const content = document.paths["/snapshots/{snapshotId}/users"]!.get!.responses["200"]!.content as object;
    expect(Object.keys(content)).toEqual(["application/json", "text/csv", "application/x-ndjson"]);
  });

  it("resolves every schema reference to a component", () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(document.components.schemas).toHaveProperty(ref);
    expect(document.components.schemas).toHaveProperty("DiffEntry");
    expect(document.components.schemas).toHaveProperty("SubscribedSku");
    expect(document.components.securitySchemes).toHaveProperty("functionKey");
  });
});
