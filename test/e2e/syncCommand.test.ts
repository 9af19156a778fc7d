import { spawn } from "node:child_process";
import { join } from "node:path";
import { KINDS } from "../../src/kinds/registry";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";

const command = join(__dirname, "..", "..", "dist", "dev", "local", "syncCommand.js");

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment({ users: 120, workspaces: 6 });
});
afterAll(() => env.close());

/**
 * Runs `npm run sync`'s script the way npm does, with only the given settings (and the inherited trust). Async, since
 * the simulated tenant it talks to lives in this process.
 */
async function sync(args: string[], settings: Record<string, string>) {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("INVENTORY_")));
  const child = spawn(process.execPath, [command, ...args], {
    env: { ...inherited, ...settings },
    cwd: join(__dirname, ".."),
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  const lines = stdout
    .trim()
    .split("\n")
    .filter((line) => line !== "");
  return { code, lines: lines.map((line) => JSON.parse(line) as Record<string, unknown>), stderr };
}

describe("npm run sync", () => {
  it("syncs every kind with `all` and ends each with one JSON line", async () => {
    const { code, lines } = await sync(["all"], env.settings);
    expect(code).toBe(0);
    expect(lines.map((line) => [line.kind, line.status])).toEqual([
      ["users", "succeeded"],
      ["workspaces", "succeeded"],
      ["catalog", "succeeded"],
    ]);
    // The subscribed SKUs, then one page of users.
    expect(lines[0]).toMatchObject({ counts: { users: 120, invalid: 0 }, upstream: { requests: 2, retries: 0 } });
    expect(Object.keys(lines[0]!).slice(0, 5)).toEqual(["snapshotId", "kind", "status", "counts", "durationMs"]);
  });

  it.each([["--help"], ["-h"]])("prints its usage on stdout and exits 0 with %s", async (flag) => {
    const child = spawn(process.execPath, [command, flag], { env: {}, cwd: join(__dirname, "..") });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(0);
    expect(stdout.split("\n")[0]).toBe(`usage: npm run sync -- ${KINDS.map((kind) => kind.name).join("|")}|all`);
    expect(stdout).toContain("Exit codes: 0 succeeded, 1 failed, 2 bad arguments or configuration, 3 paused");
  });

  it.each([
    [[], "usage: npm run sync -- users|workspaces|catalog|all"],
    [["groups"], 'unknown argument "groups"'],
    [["users", "extra"], 'unknown argument "users extra"'],
  ])("exits 2 on bad arguments %j", async (args, message) => {
    const { code, stderr } = await sync(args, env.settings);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it("exits 2 naming a bad setting", async () => {
    const { code, stderr } = await sync(["users"], { ...env.settings, INVENTORY_RETENTION_DAYS: "soon" });
    expect(code).toBe(2);
    expect(stderr).toContain("INVENTORY_RETENTION_DAYS");
  });

  it("exits 2 without a tenant, pointing at npm start", async () => {
    const { code, stderr } = await sync(["users"], {});
    expect(code).toBe(2);
    expect(stderr).toContain("INVENTORY_TENANT_ID: not set");
  });

  it("exits 1 with a failed snapshot when the sync fails", async () => {
    const { code, lines } = await sync(["users"], { ...env.settings, INVENTORY_CLIENT_SECRET_NAME: "missing" });
    expect(code).toBe(1);
    expect(lines[0]).toMatchObject({ kind: "users", status: "failed" });
    expect(String(lines[0]!.error)).toContain("missing");
  });
});
