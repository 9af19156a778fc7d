import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

/**
 * What the child runs first: TypeScript support through @swc/core (as jest has it), then the module. Node 20 cannot
 * run .ts files by itself, and a test helper should not need a build step.
 */
const BOOTSTRAP = `
const { readFileSync } = require("node:fs");
const Module = require("node:module");
const { transformSync } = require("@swc/core");
Module._extensions[".ts"] = (module, filename) => {
  const options = { filename, jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } };
  module._compile(transformSync(readFileSync(filename, "utf8"), options).code, filename);
};
require(process.argv[1]);
`;

/** Runs a TypeScript module of this repository in a child Node process with an IPC channel. */
export function spawnTypeScript(
  module: string,
  options: { env: NodeJS.ProcessEnv; execArgv?: string[] },
): ChildProcess {
  return spawn(process.execPath, [...(options.execArgv ?? []), "-e", BOOTSTRAP, join(ROOT, module)], {
    cwd: ROOT,
    env: options.env,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}
