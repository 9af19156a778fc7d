import { inventoryFor } from "../../src/app/inventory";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { functionDefinitions } from "../../src/functions/definitions";
import { startLocalHost, type LocalHost } from "../../dev/local/localHost";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";

const ROOT = join(__dirname, "..", "..");
const REDOCLY = join(ROOT, "node_modules", "@redocly", "cli", "bin", "cli.js");

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer?: string }[] }[];
}

let env: TestEnvironment;
let host: LocalHost;
let dir: string;
beforeAll(async () => {
  env = await startTestEnvironment({ users: 0, workspaces: 0 });
  host = await startLocalHost(functionDefinitions(inventoryFor(env.config)), { port: 0, log: () => undefined });
  dir = mkdtempSync(join(tmpdir(), "tenant-inventory-lint-"));
});
afterAll(async () => {
  await host?.close();
  await env?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `redocly lint` on a file with the repository's redocly.yaml; its JSON report. */
async function redoclyLint(file: string): Promise<LintReport> {
  const child = spawn(
    process.execPath,
    [REDOCLY, "lint", file, "--config", join(ROOT, "redocly.yaml"), "--format=json"],
    {
      cwd: dir,
      // No telemetry and no update check: there is no network to send them to, and lint results do not depend on it.
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (!stdout.trim().startsWith("{")) throw new Error(`redocly lint exited ${code} without a report: ${stderr}`);
  return JSON.parse(stdout) as LintReport;
}

describe("OpenAPI lint (Redocly CLI, recommended rules)", () => {
  it("finds no error and no warning in the live /api/openapi.json", async () => {
    const response = await fetch(`${host.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    const file = join(dir, "openapi.json");
    writeFileSync(file, await response.text());
    const report = await redoclyLint(file);
    const problems = report.problems.map(({ ruleId, severity, message, location }) => ({
      ruleId,
      severity,
      message,
      at: location[0]?.pointer,
    }));
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it("reports what it is meant to catch: a document with a broken reference fails", async () => {
    const file = join(dir, "broken.json");
    const document = {
      openapi: "3.1.0",
      info: { title: "broken", version: "1", license: { name: "MIT", identifier: "MIT" } },
      servers: [{ url: "/api" }],
      paths: {
        "/x": {
          get: {
            operationId: "x",
            summary: "x",
            responses: {
              "200": {
                description: "x",
                content: { "application/json": { schema: { $ref: "#/components/schemas/Missing" } } },
              },
            },
          },
        },
      },
    };
    writeFileSync(file, JSON.stringify(document));
    const report = await redoclyLint(file);
    expect(report.problems.map((problem) => problem.ruleId)).toEqual(expect.arrayContaining(["no-unresolved-refs"]));
    expect(report.totals.errors).toBeGreaterThan(0);
  });
});
