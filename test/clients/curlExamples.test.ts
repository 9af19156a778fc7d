import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { catalogAnswers } from "../support/catalogAnswers";
import { startExampleHost, type ExampleHost } from "../support/exampleHost";
import { describeWithTools, onPath } from "../support/externalTools";
import { jsonValues, runnableExamples, type RunnableExample } from "../support/runnableExamples";

// The README's curl examples, run as written by bash against a local host with two snapshots of each kind.
const examples = runnableExamples("sh");
const hasJq = onPath("jq") !== undefined;

let example: ExampleHost;
const dirs: string[] = [];
beforeAll(async () => void (example = await startExampleHost()), 300_000);
afterAll(async () => {
  await example?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The folder it ran in, where `-o` files land. */
  dir: string;
}

/** Runs an example with its block's setup, as bash would run the README's lines, with API and keys set. */
async function runExample({ setup, code }: RunnableExample): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "tenant-inventory-curl-"));
  dirs.push(dir);
  const child = spawn("bash", ["-c", `set -euo pipefail\n${setup}\n${code}\n`], {
    cwd: dir,
    env: { ...process.env, API: example.api, KEY: "local-function-key", MASTER_KEY: "local-master-key" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code: exit, stdout, stderr, dir };
}

async function api(path: string): Promise<Response> {
  const response = await fetch(`${example.api}${path}`);
  expect(response.status).toBe(200);
  return response;
}

const { downstreamOfServer, upstreamOfFirstReport, unendorsedModels } = catalogAnswers(api);

const ndjson = (text: string) =>
  text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** What each example must print (or write), checked against the API's own answers. Keyed by the example's title. */
const checks: Record<string, (run: Run) => Promise<void>> = {
  "disabled accounts, three properties each": async ({ stdout }) => {
    const expected = (await (
      await api("/snapshots/latest/users?accountEnabled=false&fields=id,userPrincipalName,department&top=1000")
    ).json()) as { items: unknown[] };
    expect(expected.items.length).toBeGreaterThan(0);
    expect(jsonValues(stdout)).toEqual([expected.items]);
  },
  "every user as a CSV file Excel opens right": async ({ stdout, dir }) => {
    expect(stdout).toBe("");
    const file = readFileSync(join(dir, "users.csv"));
    expect([...file.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(
      file.equals(Buffer.from(await (await api("/snapshots/latest/users?format=csv&bom=true")).arrayBuffer())),
    ).toBe(true);
  },
  "active workspaces without an Admin, as one JSON object per line": async ({ stdout }) => {
    const lines = ndjson(stdout);
    expect(lines.length).toBeGreaterThan(0);
    for (const workspace of lines) expect(workspace.state).toBe("Active");
    expect(lines).toEqual(
      ndjson(await (await api("/snapshots/latest/workspaces?orphaned=true&state=Active&format=ndjson")).text()),
    );
  },
  "what changed since the previous users snapshot": async ({ stdout }) => {
    const [previous, latest] = example.snapshots.users;
    const [summary, ...changed] = jsonValues(stdout);
    expect(summary).toEqual(await (await api(`/snapshots/${previous}/diff/${latest}/summary`)).json());
    const diff = ndjson(await (await api(`/snapshots/${previous}/diff/latest?format=ndjson`)).text());
    const expected = diff
      .filter((entry) => entry.change === "changed")
      .map(({ id, new: after }) => ({ id, new: after }));
    expect(expected.length).toBeGreaterThan(0);
    expect(changed).toEqual(expected);
  },
  "start a users sync now (admin key); poll the snapshot its Location header names": async ({ stdout }) => {
    const [head, body] = stdout.split("\r\n\r\n");
    expect(head).toMatch(/^HTTP\/1\.1 202 /);
    const location = /^location: (\S+)$/im.exec(head!)?.[1];
    const accepted = JSON.parse(body!) as { snapshotId: string; kind: string };
    expect(accepted.kind).toBe("users");
    expect(location).toBe(`/api/snapshots/${accepted.snapshotId}`);
    const snapshot = (await (await api(`/snapshots/${accepted.snapshotId}`)).json()) as { id: string; kind: string };
    expect(snapshot).toMatchObject({ id: accepted.snapshotId, kind: "users" });
  },
  "every Pro user who is disabled": async ({ stdout }) => {
    const query = "powerBiLicense=pro&accountEnabled=false&fields=id,userPrincipalName,displayName&top=1000";
    const expected = (await (await api(`/snapshots/latest/users?${query}`)).json()) as { items: unknown[] };
    expect(expected.items.length).toBeGreaterThan(0);
    expect(jsonValues(stdout)).toEqual([expected.items]);
  },
  "seats left per SKU": async ({ stdout }) => {
    const { items } = (await (await api("/snapshots/latest/licenses")).json()) as {
      items: { skuPartNumber: string; consumedUnits: number; prepaidUnits: { enabled: number } }[];
    };
    expect(items.length).toBeGreaterThan(0);
    const expected = items.map((sku) => `${sku.skuPartNumber}\t${sku.prepaidUnits.enabled - sku.consumedUnits}`);
    expect(stdout.trimEnd().split("\n")).toEqual(expected);
  },
  "what breaks if the server sql-hub.corp.contoso.com moves": async ({ stdout }) => {
    expect(ndjson(stdout)).toEqual(await downstreamOfServer("sql-hub.corp.contoso.com"));
  },
  "where the first Sales report gets its data": async ({ stdout }) => {
    expect(ndjson(stdout)).toEqual(await upstreamOfFirstReport("sales"));
  },
  "semantic models that are not endorsed": async ({ stdout }) => {
    expect(jsonValues(stdout)).toEqual([await unendorsedModels()]);
  },
  "revalidate a cached answer: 304 while nothing changed": ({ stdout }) => {
    expect(stdout).toBe("304\n");
    return Promise.resolve();
  },
};

describeWithTools("README curl examples", onPath("curl") === undefined ? ["curl"] : [], () => {
  it("finds the runnable examples, and each has its check here (and each check its example)", () => {
    expect(examples.map((found) => found.title).sort()).toEqual(Object.keys(checks).sort());
  });

  for (const found of examples) {
    const needsJq = /\bjq\b/.test(found.code);
    const title = `${found.title} (${found.source})`;
    if (needsJq && !hasJq && process.env.CI !== "true") {
      it.skip(`${title} (skipped: jq not installed)`, () => undefined);
      continue;
    }
    it(title, async () => {
      const run = await runExample(found);
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
      const check = checks[found.title];
      if (check === undefined) throw new Error(`no check for the README example "${found.title}"`);
      await check(run);
    });
  }
});
