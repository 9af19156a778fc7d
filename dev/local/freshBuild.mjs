// `npm start`, `npm run sync`, `npm run jest` and `npm run bench` build through this, so that a run with nothing to
// build starts at once. `tsc -b` rebuilds only what changed, but it judges by the sources and tsconfig files alone: it
// would miss newly installed dependencies (their types decide, for one, which imports the emitted code keeps) and an
// output deleted by hand. Either drops the build info first, so that tsc builds everything. And when nothing is newer
// than a clean build, tsc is not even loaded (that alone takes a third of a second). Plain JavaScript, because it runs
// before anything is built.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const PROJECT = "tsconfig.build.json";
/** Where tsconfig.build.json keeps its build info: inside dist/, so a clean tree (or `rm -rf dist`) builds everything. */
const BUILD_INFO = join("dist", "tsconfig.build.tsbuildinfo");
/** The folders tsconfig.build.json compiles, each to dist/<folder>. */
const SOURCE_DIRS = ["src", "dev", "bench"];
/** Written by npm on every install (the hidden lockfile), and the lockfile itself. */
const DEPENDENCY_STAMPS = [join("node_modules", ".package-lock.json"), "package-lock.json"];

/** Why the build info cannot be trusted, or undefined when it can (or is missing, which tsc handles itself). */
export function staleReason(root) {
  const info = join(root, BUILD_INFO);
  if (!existsSync(info)) return undefined;
  const built = statSync(info).mtimeMs;
  for (const stamp of DEPENDENCY_STAMPS) {
    const path = join(root, stamp);
    if (existsSync(path) && statSync(path).mtimeMs > built) return `${stamp} is newer than the last build`;
  }
  for (const dir of SOURCE_DIRS) {
    for (const source of typeScriptFiles(join(root, dir))) {
      const output = join(root, "dist", relative(root, source)).replace(/\.ts$/, ".js");
      if (!existsSync(output)) return `${relative(root, output)} is missing`;
    }
  }
  return undefined;
}

/** What a build info of a clean, complete build holds; anything else (errors, pending emits) is for tsc to judge. */
const CLEAN_BUILD_INFO = new Set([
  "fileNames",
  "fileIdsList",
  "fileInfos",
  "root",
  "options",
  "referencedMap",
  "version",
]);

/**
 * True when tsc -b would find nothing to do: the last build was clean and complete, by the TypeScript installed now,
 * and no TypeScript source, folder (a file added or removed) or tsconfig is newer than its build info.
 */
export function isCurrent(root) {
  const info = join(root, BUILD_INFO);
  if (!existsSync(info) || staleReason(root) !== undefined) return false;
  const built = statSync(info).mtimeMs;
  const recorded = JSON.parse(readFileSync(info, "utf8"));
  if (Object.keys(recorded).some((key) => !CLEAN_BUILD_INFO.has(key))) return false;
  const typescript = JSON.parse(readFileSync(join(root, "node_modules", "typescript", "package.json"), "utf8"));
  if (recorded.version !== typescript.version) return false;
  const newer = (path) => existsSync(path) && statSync(path).mtimeMs > built;
  if ([PROJECT, "tsconfig.json"].some((config) => newer(join(root, config)))) return false;
  return !SOURCE_DIRS.some((dir) => [...entries(join(root, dir))].some(newer));
}

/** A folder, its subfolders and the TypeScript files in them: what tsc -b compares with its build info. */
function* entries(dir) {
  if (!existsSync(dir)) return;
  yield dir;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* entries(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

function* typeScriptFiles(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typeScriptFiles(path);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) yield path;
  }
}

/**
 * NODE_OPTIONS without a heap limit. The limit is for the product (192 MB on a 512 MB instance), and tsc needs more
 * than that for this project; every other option (a preloaded module, a flag) still applies to the build.
 */
export function withoutHeapLimit(options = "") {
  const kept = [];
  const words = options.split(/\s+/).filter(Boolean);
  for (let index = 0; index < words.length; index++) {
    if (words[index] === "--max-old-space-size") index++;
    else if (!words[index].startsWith("--max-old-space-size=")) kept.push(words[index]);
  }
  return kept.join(" ");
}

/** Builds the project in `root` with tsc -b in a child process; a failed build exits with tsc's status. */
export function freshBuild(root, log = (message) => process.stderr.write(`${message}\n`)) {
  if (isCurrent(root)) return;
  const reason = staleReason(root);
  if (reason !== undefined) {
    log(`Building everything: ${reason}.`);
    rmSync(join(root, BUILD_INFO), { force: true });
  }
  const tsc = createRequire(join(root, "package.json")).resolve("typescript/lib/tsc.js");
  const env = { ...process.env, NODE_OPTIONS: withoutHeapLimit(process.env.NODE_OPTIONS) };
  const build = spawnSync(process.execPath, [tsc, "-b", PROJECT], { cwd: root, env, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

if (resolve(process.argv[1] ?? "") === fileURLToPath(import.meta.url)) freshBuild(process.cwd());
