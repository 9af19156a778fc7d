// Lints files of this repository as if `line` were added on top of each, with the project's own ESLint config, and
// prints the no-restricted-imports messages of each case as JSON. A child process of test/unit/layering.test.ts:
// ESLint loads its flat config with a dynamic import, which jest's module sandbox does not allow.
import { ESLint } from "eslint";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = process.cwd();
const cases = JSON.parse(readFileSync(0, "utf8"));
const eslint = new ESLint({ cwd: root });
const results = [];
for (const { file, line } of cases) {
  const source = readFileSync(join(root, file), "utf8");
  const [result] = await eslint.lintText(`${line}\n${source}`, { filePath: join(root, file) });
  results.push(result.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message));
}
process.stdout.write(JSON.stringify(results));
