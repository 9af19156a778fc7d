import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { API_VERSION } from "../../src/api/openApiRoute";
import { BASE_SETTING_NAMES } from "../../src/config/config";
import { KINDS } from "../../src/kinds/registry";
import { DEFAULT_USER_SELECT } from "../../src/kinds/users/usersKind";

const ROOT = join(__dirname, "..", "..");
const read = (...parts: string[]) => readFileSync(join(ROOT, ...parts), "utf8");

/** The setting names the first column of docs/settings.md's tables names (`A` or `A` or `B`). */
function documentedSettings(): Set<string> {
  const names = new Set<string>();
  for (const line of read("docs", "settings.md").split("\n")) {
    const cell = /^\| ([^|]+)\|/.exec(line)?.[1] ?? "";
    for (const match of cell.matchAll(/`([A-Za-z_]+)`/g)) names.add(match[1]!);
  }
  return names;
}

describe("the docs", () => {
  const app = [...BASE_SETTING_NAMES, ...KINDS.flatMap((kind) => Object.keys(kind.settings))];

  it.each(app)("list the setting %s in docs/settings.md", (name) => {
    expect(documentedSettings()).toContain(name);
  });

  it("list no setting the app does not read, beyond the local host's and the simulated tenant's", () => {
    const local = ["PORT", "SIMULATOR_USERS", "SIMULATOR_WORKSPACES", "SIMULATOR_CREDENTIAL", "SIMULATOR_CHANGES"];
    expect([...documentedSettings()].filter((name) => !app.includes(name) && !local.includes(name))).toEqual([]);
  });

  it("write out GRAPH_USER_SELECT's default, as the app has it", () => {
    const row = read("docs", "settings.md")
      .split("\n")
      .find((line) => line.startsWith("| `GRAPH_USER_SELECT`"));
    expect(row).toContain(`\`${DEFAULT_USER_SELECT.join(",")}\``);
  });

  it("give the OpenAPI document the app's own version", () => {
    expect(API_VERSION).toBe((JSON.parse(read("package.json")) as { version: string }).version);
  });

  it("are each linked from the README", () => {
    const readme = read("README.md");
    for (const file of readdirSync(join(ROOT, "docs")).filter((name) => name.endsWith(".md"))) {
      expect([file, readme.includes(`docs/${file}`)]).toEqual([file, true]);
    }
  });
});
