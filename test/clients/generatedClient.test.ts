import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { spawnTypeScript } from "../support/tsChild";
import { startExampleHost, type ExampleHost } from "../support/exampleHost";

const ROOT = join(__dirname, "..", "..");
const CLIENT_DIR = join(__dirname, "typedClient");
const GENERATED = join(CLIENT_DIR, "generated", "openapi.d.ts");

type Document = { paths: Record<string, Record<string, Operation>> } & Record<string, unknown>;
interface Operation {
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

/** What typedClient/inventoryClient.ts sends back (its own, typed declaration needs the generated types). */
interface ClientReport {
  guests: unknown[];
  pages: number;
  csv: string;
  workspace: { id: string; users?: unknown };
  summary: Record<string, unknown>;
  summaryOf: { from: string; to: string };
  exchanges: { method: string; path: string; status: number; body: unknown }[];
}

let example: ExampleHost;
let document: Document;
beforeAll(async () => {
  rmSync(join(CLIENT_DIR, "generated"), { recursive: true, force: true });
  example = await startExampleHost();
  document = (await (await fetch(`${example.api}/openapi.json`)).json()) as Document;
});
afterAll(() => example?.close());

/** Runs a Node script of a dev dependency; its exit code and output. */
async function run(script: string, args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [join(ROOT, "node_modules", script), ...args], { cwd: ROOT });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, output };
}

async function getJson(path: string): Promise<unknown> {
  const response = await fetch(`${example.api}${path}`);
  expect(response.status).toBe(200);
  return response.json();
}

/**
 * A validator of the document's schema for one operation's JSON answer. The whole document is added under an id,
 * so `#/components/schemas/...` references resolve within it; OpenAPI 3.1 schemas are JSON Schema 2020-12.
 */
function responseValidator(): (path: string, method: string, status: number) => ValidateFunction {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, "openapi.json");
  const pointer = (part: string) => part.replace(/~/g, "~0").replace(/\//g, "~1");
  return (path, method, status) => {
    const operation = document.paths[path]?.[method.toLowerCase()];
    if (operation?.responses[String(status)]?.content?.["application/json"] === undefined) {
      throw new Error(`the document has no JSON answer ${status} for ${method} ${path}`);
    }
    const at = `paths/${pointer(path)}/${method.toLowerCase()}/responses/${status}/content/${pointer("application/json")}/schema`;
    return ajv.getSchema(`openapi.json#/${at}`) ?? ajv.compile({ $ref: `openapi.json#/${at}` });
  };
}

describe("a client generated from the live /api/openapi.json (openapi-typescript, openapi-fetch)", () => {
  let report: ClientReport;

  it("generates the types from the live document", async () => {
    const generated = await run("openapi-typescript/bin/cli.js", [`${example.api}/openapi.json`, "-o", GENERATED]);
    expect({ code: generated.code, output: generated.output }).toMatchObject({ code: 0 });
  });

  it("type-checks the client against them (tsc), including the calls the types must refuse", async () => {
    const checked = await run("typescript/bin/tsc", ["-p", join(CLIENT_DIR, "tsconfig.json")]);
    expect({ code: checked.code, output: checked.output }).toEqual({ code: 0, output: "" });
  });

  it("runs: pages guests with a filter, exports CSV, reads a workspace and a diff summary", async () => {
    const child = spawnTypeScript("test/clients/typedClient/inventoryClient.ts", {
      env: { ...process.env, INVENTORY_API: example.api },
    });
    const [answer, code] = await Promise.all([
      new Promise<ClientReport | undefined>((resolve) => {
        child.once("message", (message) => resolve(message as ClientReport));
        child.once("exit", () => resolve(undefined));
      }),
      new Promise<number | null>((resolve) => child.once("exit", resolve)),
    ]);
    expect(code).toBe(0);
    report = answer!;
    expect(report.pages).toBeGreaterThan(1);
  });

  it("gets the API's own answers", async () => {
    const guests = (await getJson("/snapshots/latest/users?userType=Guest&top=1000")) as { items: unknown[] };
    expect(guests.items.length).toBeGreaterThan(3);
    expect(report.guests).toEqual(guests.items);

    const csv = await fetch(`${example.api}/snapshots/latest/users?format=csv&fields=id,userPrincipalName,userType`);
    expect(report.csv).toBe(await csv.text());
    expect(report.csv.split("\r\n")[0]).toBe("id,userPrincipalName,userType");

    expect(report.workspace).toEqual(await getJson(`/snapshots/latest/workspaces/${report.workspace.id}`));
    expect(Array.isArray(report.workspace.users)).toBe(true);

    const [older, newer] = example.snapshots.users;
    expect(report.summaryOf).toEqual({ from: older, to: newer });
    expect(report.summary).toEqual(await getJson(`/snapshots/${older}/diff/${newer}/summary`));
    expect(report.summary).toMatchObject({ kind: "users", added: 2, removed: 1 });
  });

  it("received only answers that match their schemas in the document", () => {
    const validator = responseValidator();
    const failures = report.exchanges.flatMap(({ method, path, status, body }) => {
      const validate = validator(path, method, status);
      return validate(body) ? [] : [{ method, path, status, errors: validate.errors }];
    });
    expect(report.exchanges.map(({ path }) => path)).toEqual(
      expect.arrayContaining([
        "/snapshots/{snapshotId}/users",
        "/snapshots/{snapshotId}/workspaces/{workspaceId}",
        "/snapshots/{snapshotId}/diff/{toSnapshotId}/summary",
      ]),
    );
    expect(failures).toEqual([]);
  });

  it("the schema check fails an answer that does not match: a user without an id, a summary count as text", () => {
    const validator = responseValidator();
    const page = report.exchanges.find(({ path }) => path === "/snapshots/{snapshotId}/users")!;
    const body = structuredClone(page.body) as { items: Record<string, unknown>[] };
    delete body.items[0]!.id;
    expect(validator(page.path, page.method, page.status)(body)).toBe(false);
    const summary = report.exchanges.find(({ path }) => path.endsWith("/summary"))!;
    const changed = { ...(summary.body as Record<string, unknown>), added: "2" };
    expect(validator(summary.path, summary.method, summary.status)(changed)).toBe(false);
  });
});
