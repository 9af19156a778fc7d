import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { catalogAnswers } from "../support/catalogAnswers";
import { startExampleHost, type ExampleHost } from "../support/exampleHost";
import { describeWithTools, onPath } from "../support/externalTools";
import { installedPowerShell, POWERSHELL_VERSION, runProgram } from "../support/powershell";
import { jsonValues, runnableExamples, type RunnableExample } from "../support/runnableExamples";

// The README's PowerShell examples, run as written by PowerShell 7 against a local host with two snapshots of
// each kind. The variables the README asks readers to set come from the environment.
const PRELUDE = [
  '$ErrorActionPreference = "Stop"',
  '$ProgressPreference = "SilentlyContinue"',
  // Tables as a terminal shows them, without the colour escapes that pwsh adds to their headers.
  '$PSStyle.OutputRendering = "PlainText"',
  "$api = $env:INVENTORY_API",
  "$Key = $env:INVENTORY_KEY",
  "$MasterKey = $env:INVENTORY_MASTER_KEY",
].join("\n");
const examples = runnableExamples("powershell");

let example: ExampleHost;
let pwsh: string;
const dirs: string[] = [];
afterAll(async () => {
  await example?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  dir: string;
}

async function runExample({ setup, code }: RunnableExample): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "tenant-inventory-pwsh-"));
  dirs.push(dir);
  writeFileSync(join(dir, "example.ps1"), `${PRELUDE}\n${setup}\n${code}\n`);
  const env = {
    ...process.env,
    INVENTORY_API: example.api,
    INVENTORY_KEY: "local-function-key",
    INVENTORY_MASTER_KEY: "local-master-key",
  };
  const run = await runProgram(pwsh, ["-NoProfile", "-NonInteractive", "-File", "example.ps1"], { cwd: dir, env });
  return { ...run, dir };
}

async function api(path: string): Promise<Response> {
  const response = await fetch(`${example.api}${path}`);
  expect(response.status).toBe(200);
  return response;
}

const { downstreamOfServer, upstreamOfFirstReport, unendorsedModels } = catalogAnswers(api);

const lines = (text: string) => text.split(/\r?\n/).filter((line) => line.trim() !== "");

/** What each example must print (or write), checked against the API's own answers. Keyed by the example's title. */
const checks: Record<string, (run: Run) => Promise<void>> = {
  "every guest, following continuationToken page by page": async ({ stdout }) => {
    const guests = (
      (await (await api("/snapshots/latest/users?userType=Guest&top=1000")).json()) as {
        items: { userPrincipalName: string }[];
      }
    ).items;
    expect(guests.length).toBeGreaterThan(0);
    const [header, rule, ...rows] = lines(stdout);
    // Output to a pipe is formatted 80 columns wide, as in a narrow terminal: the last column may not fit.
    expect(header!.split(/\s+/).slice(0, 2)).toEqual(["userPrincipalName", "displayName"]);
    expect(rule).toMatch(/^[-\s]+$/);
    expect(rows.map((row) => row.split(/\s+/)[0]).sort()).toEqual(
      guests.map((guest) => guest.userPrincipalName).sort(),
    );
  },
  "the same selection as a CSV file": async ({ stdout, dir }) => {
    expect(stdout).toBe("");
    const file = readFileSync(join(dir, "guests.csv"));
    const expected = Buffer.from(
      await (await api("/snapshots/latest/users?userType=Guest&format=csv&bom=true")).arrayBuffer(),
    );
    expect(file.equals(expected)).toBe(true);
  },
  "who gained or lost workspace access since the previous snapshot": async ({ stdout }) => {
    const [previous] = example.snapshots.workspaces;
    const diff = (await (await api(`/snapshots/${previous}/diff/latest?top=1000`)).json()) as {
      items: { id: string; artifacts?: { users?: unknown } }[];
    };
    const withUsers = diff.items.filter((entry) => entry.artifacts?.users !== undefined);
    expect(withUsers.length).toBeGreaterThan(0);
    const printed = lines(stdout);
    const ids = printed.filter((line) => /^[0-9a-f-]{36}$/i.test(line.trim()));
    expect(ids).toEqual(withUsers.map((entry) => entry.id));
    const json = jsonValues(printed.filter((line) => !ids.includes(line)).join("\n"));
    expect(json).toEqual(withUsers.map((entry) => entry.artifacts!.users));
    expect(JSON.stringify(json)).toContain('"groupUserAccessRight":"Admin"');
  },
  "every Pro user who is disabled": async ({ stdout }) => {
    const { items } = (await (
      await api("/snapshots/latest/users?powerBiLicense=pro&accountEnabled=false&fields=userPrincipalName&top=1000")
    ).json()) as { items: { userPrincipalName: string }[] };
    expect(items.length).toBeGreaterThan(0);
    const [header, rule, ...rows] = lines(stdout);
    expect(header!.split(/\s+/).slice(0, 2)).toEqual(["userPrincipalName", "displayName"]);
    expect(rule).toMatch(/^[-\s]+$/);
    expect(rows.map((row) => row.split(/\s+/)[0]).sort()).toEqual(items.map((user) => user.userPrincipalName).sort());
  },
  "seats left per SKU": async ({ stdout }) => {
    const { items } = (await (await api("/snapshots/latest/licenses")).json()) as {
      items: { skuPartNumber: string; consumedUnits: number; prepaidUnits: { enabled: number } }[];
    };
    const [header, rule, ...rows] = lines(stdout);
    expect(header!.trim().split(/\s+/)).toEqual(["skuPartNumber", "consumedUnits", "left"]);
    expect(rule).toMatch(/^[-\s]+$/);
    expect(rows.map((row) => row.trim().split(/\s+/))).toEqual(
      items.map((sku) => [
        sku.skuPartNumber,
        String(sku.consumedUnits),
        String(sku.prepaidUnits.enabled - sku.consumedUnits),
      ]),
    );
  },
  "what breaks if the server sql-hub.corp.contoso.com moves": async ({ stdout }) => {
    expect(jsonValues(stdout)).toEqual(await downstreamOfServer("sql-hub.corp.contoso.com"));
  },
  "where the first Sales report gets its data": async ({ stdout }) => {
    expect(jsonValues(stdout)).toEqual(await upstreamOfFirstReport("sales"));
  },
  "semantic models that are not endorsed": async ({ stdout }) => {
    const models = (await unendorsedModels()) as { workspaceId: string }[];
    const [header, rule, ...rows] = lines(stdout);
    expect(header!.trim().split(/\s+/)).toEqual(["name", "workspaceId"]);
    expect(rule).toMatch(/^[-\s]+$/);
    // A name may hold spaces; the workspace id is the last column.
    expect(rows.map((row) => row.trim().split(/\s+/).at(-1))).toEqual(models.map((model) => model.workspaceId));
  },
  "start a workspaces sync now (admin key)": async ({ stdout }) => {
    const id = /\b\d{8}T\d{9}Z-workspaces-[0-9a-f]{6}\b/.exec(stdout)?.[0];
    expect(id).toBeDefined();
    expect(
      lines(stdout)[0]!
        .split(/\s+/)
        .filter((name) => name !== ""),
    ).toEqual(["snapshotId", "kind", "status"]);
    const snapshot = (await (await api(`/snapshots/${id}`)).json()) as { id: string; kind: string };
    expect(snapshot).toMatchObject({ id, kind: "workspaces" });
  },
};

describeWithTools(
  `README PowerShell examples (PowerShell ${POWERSHELL_VERSION})`,
  onPath("dotnet") === undefined ? ["dotnet"] : [],
  () => {
    beforeAll(async () => {
      pwsh = await installedPowerShell();
      example = await startExampleHost();
    }, 600_000);

    it("finds the runnable examples, and each has its check here (and each check its example)", () => {
      expect(examples.map((found) => found.title).sort()).toEqual(Object.keys(checks).sort());
    });

    for (const found of examples) {
      it(`${found.title} (${found.source})`, async () => {
        const run = await runExample(found);
        expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
        const check = checks[found.title];
        if (check === undefined) throw new Error(`no check for the README example "${found.title}"`);
        await check(run);
      });
    }
  },
);
