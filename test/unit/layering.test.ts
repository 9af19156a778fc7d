import { execFileSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

/** An import added to a real file of src/, and what the lint must say about it ("" for nothing). */
const CASES: [file: string, line: string, message: string][] = [
  ["src/store/lease.ts", 'export { runSync } from "../sync/runSync";', "src/store may import only from"],
  ["src/api/itemsRoute.ts", 'export { runSync } from "../sync/runSync";', "src/api may import only from"],
  ["src/sync/runSync.ts", 'export { json } from "../api/httpHandler";', "src/sync may import only from"],
  ["src/config/config.ts", 'export { KINDS } from "../kinds/registry";', "src/config may import only from"],
  ["src/kinds/users/usersKind.ts", 'export { inventoryFor } from "../../app/inventory";', "src/kinds may import"],
  ["src/api/diff/diffApi.ts", 'export { syncSnapshot } from "../../sync/syncSnapshot";', "src/api may import"],
  ["src/store/lease.ts", 'export { startSimulatedTenant } from "../../dev/simulator/simulatedTenant";', "src/store"],
  ["src/common/version.ts", 'export { loadConfig } from "../config/config";', "src/common may import only from"],
  ["src/store/lease.ts", 'export { generate } from "selfsigned";', "a devDependency is not installed where"],
  ["src/index.ts", 'export { startLocalHost } from "../dev/local/localHost";', "may not import dev/, test/ or bench/"],
  ["src/kinds/users/usersKind.ts", 'export { runSync } from "../../sync/runSync";', ""],
  ["src/app/inventory.ts", 'export { KINDS } from "../kinds/registry";', ""],
];

let results: string[][];

beforeAll(() => {
  const cases = CASES.map(([file, line]) => ({ file, line }));
  const output = execFileSync(process.execPath, [join(ROOT, "test/support/lintCases.mjs")], {
    cwd: ROOT,
    input: JSON.stringify(cases),
    encoding: "utf8",
  });
  results = JSON.parse(output) as string[][];
}, 120_000);

describe("the layering lint (eslint.config.mjs)", () => {
  it.each(CASES.map((testCase, index) => [...testCase, index] as const))(
    "%s with `%s`: %j",
    (_file, _line, message, index) => {
      const messages = results[index]!.join("\n");
      if (message === "") expect(messages).toBe("");
      else expect(messages).toContain(message);
    },
  );
});
