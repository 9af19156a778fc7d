import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/**
 * What Azure runs: the built src/ with production dependencies only, as remote build leaves it. Nothing deployed
 * may need the development tools (dev/) or a devDependency, or the entry point fails to load in Azure.
 */
describe("the deployed file set", () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "tenant-inventory-deploy-"));
    for (const file of ["package.json", "package-lock.json", "host.json"]) cpSync(join(ROOT, file), join(dir, file));
    cpSync(join(ROOT, "dist", "src"), join(dir, "dist", "src"), { recursive: true });
    execFileSync(npm, ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: dir,
      stdio: "pipe",
    });
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("has no devDependency installed", () => {
    const installed = readdirSync(join(dir, "node_modules"));
    for (const name of ["jest", "azurite", "selfsigned", "typescript", "eslint", "fast-check"]) {
      expect(installed).not.toContain(name);
    }
  });

  it("loads the entry point, which registers every function", () => {
    // Outside the Functions host, @azure/functions registers nothing and says so for each function by name: the
    // names show the whole module graph loaded, from the production dependencies alone.
    const run = spawnSync(process.execPath, ["-e", "require('./dist/src/index.js')"], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "" },
      encoding: "utf8",
    });
    expect(run.status).toBe(0);
    const registered = [...`${run.stdout}${run.stderr}`.matchAll(/register function "(\w+)"/g)].map(
      (match) => match[1],
    );
    expect(registered).toEqual(
      expect.arrayContaining(["health", "listUsers", "getWorkspace", "openApi", "syncUsers", "resumeSyncs"]),
    );
  });
});
