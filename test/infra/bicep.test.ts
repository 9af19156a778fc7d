// Compiles and lints the infrastructure with the real Bicep CLI (restored from NuGet; see bicepCli.ts). Lint findings
// of every rule are errors (infra/bicepconfig.json), and any warning the CLI prints fails the test too.
import { mkdtemp, copyFile, rm, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { bicepCli, bicepLint, buildMain, describeWithBicep, infraDir, pinnedBicepVersion, run } from "./bicepCli";

const mainBicep = path.join(infraDir, "main.bicep");
const bicepConfig = path.join(infraDir, "bicepconfig.json");

/** Rules left off because their verdict depends on the date or on a registry, not on the template. */
const rulesOff = ["use-recent-api-versions", "use-recent-module-versions"];

describeWithBicep("Bicep CLI", () => {
  beforeAll(async () => {
    await bicepCli(); // the first run restores the package: allow for a slow feed
  }, 600_000);

  it("is the version pinned in infra/tools/bicep.csproj", async () => {
    const cli = await bicepCli();
    const result = await run(cli.path, ["--version"], infraDir, 60_000);
    expect(result.code).toBe(0);
    if (process.env.BICEP_PATH === undefined || process.env.BICEP_PATH === "") {
      expect(result.stdout).toContain(`Bicep CLI version ${pinnedBicepVersion()} `);
    }
  });

  it("builds infra/main.bicep without a diagnostic", async () => {
    const build = await buildMain();
    expect(build.diagnostics).toBe("");
    expect(build.template.$schema).toBe(
      "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    );
  });

  it("lints infra/main.bicep and its modules clean", async () => {
    const lint = await bicepLint(mainBicep);
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe("");
    expect(lint.code).toBe(0);
  });

  it("fails lint on a finding, because bicepconfig.json makes every rule an error", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "bicep-lint-"));
    try {
      await copyFile(bicepConfig, path.join(dir, "bicepconfig.json"));
      const file = path.join(dir, "bad.bicep");
      await writeFile(file, "param unused string\n");
      const lint = await bicepLint(file);
      expect(lint.code).not.toBe(0);
      expect(`${lint.stdout}${lint.stderr}`).toMatch(/Error no-unused-params/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("infra/bicepconfig.json", () => {
  it("sets every linter rule to error, except those that depend on the date or a registry", () => {
    const config = JSON.parse(readFileSync(bicepConfig, "utf8")) as {
      analyzers: { core: { enabled: boolean; rules: Record<string, { level: string }> } };
    };
    expect(config.analyzers.core.enabled).toBe(true);
    const levels = Object.entries(config.analyzers.core.rules);
    expect(levels.length).toBeGreaterThan(30);
    for (const [rule, { level }] of levels)
      expect([rule, level]).toEqual([rule, rulesOff.includes(rule) ? "off" : "error"]);
  });
});
