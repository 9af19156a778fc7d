import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { lastJsonLine, runCommand, runNode } from "./childProcess";

export interface StartupFigures {
  /** Median over fresh processes of `require(entry)`: what a cold instance pays before its first invocation. */
  importMs: number;
  bytes: number;
  files: number;
}

export interface StartupMeasurement {
  /** dist/src plus production node_modules, as remote build deploys them. */
  deployed: StartupFigures & { appBytes: number; dependencyBytes: number; packages: number };
  /** The same entry bundled into one file by esbuild (minified), measured the same way; not what ships. */
  bundled: StartupFigures;
  /** A start with nothing to build, medians of 3: what a second `npm run sync` pays before it syncs. */
  noOpStart: {
    /** `npm run sync -- --help`: npm, the build check, Node and the app's import. */
    syncHelpMs: number;
    /** The build check alone (`node dev/local/freshBuild.mjs`, tsc -b finding nothing to do). */
    buildCheckMs: number;
  };
}

const ROOT = resolve(__dirname, "..", "..");
const ENTRY = join(ROOT, "dist", "src", "index.js");
const RUNS = 7;

/** Import time of the function app's entry and the size of what deploys, unbundled and bundled. */
export async function measureStartup(): Promise<StartupMeasurement> {
  const app = treeSize(join(ROOT, "dist", "src"));
  const packages = productionPackages();
  const dependencies = filesSize(packages.flatMap((dir) => [...walk(dir)]));
  const dir = mkdtempSync(join(tmpdir(), "tenant-inventory-bundle-"));
  try {
    const outfile = join(dir, "index.js");
    // The Functions worker provides @azure/functions-core at run time; it can never be bundled.
    await build({
      entryPoints: [ENTRY],
      outfile,
      bundle: true,
      minify: true,
      platform: "node",
      target: "node20",
      external: ["@azure/functions-core"],
      logLevel: "silent",
    });
    return {
      deployed: {
        importMs: await importMs(ENTRY),
        bytes: app.bytes + dependencies.bytes,
        files: app.files + dependencies.files,
        appBytes: app.bytes,
        dependencyBytes: dependencies.bytes,
        packages: packages.length,
      },
      bundled: { importMs: await importMs(outfile), ...treeSize(dir) },
      noOpStart: {
        syncHelpMs: await medianMs(npm, ["run", "--silent", "sync", "--", "--help"]),
        buildCheckMs: await medianMs(process.execPath, [join(ROOT, "dev", "local", "freshBuild.mjs")]),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** Median wall time of 3 runs of a command in the project's folder; each must exit 0. */
async function medianMs(command: string, args: string[]): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < 3; run++) {
    const child = await runCommand(command, args, process.env, ROOT);
    if (child.code !== 0)
      throw new Error(`${command} ${args.join(" ")} exited ${child.code}: ${child.stderr.slice(-500)}`);
    times.push(child.wallMs);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Median of RUNS fresh processes, with no settings in the environment (the entry loads its config on import). */
async function importMs(entry: string): Promise<number> {
  const script = `const t = performance.now(); require(${JSON.stringify(entry)}); console.log(JSON.stringify({ ms: performance.now() - t }));`;
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const child = await runNode("-e", [script], {}, [], { PATH: process.env.PATH ?? "" });
    times.push(lastJsonLine<{ ms: number }>(child, `importing ${entry}`).ms);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Directories of the packages `npm ls --omit=dev` says production needs (the project itself left out). */
function productionPackages(): string[] {
  const output = execFileSync("npm", ["ls", "--omit=dev", "--all", "--parseable"], { cwd: ROOT, encoding: "utf8" });
  return [...new Set(output.trim().split("\n"))].filter((dir) => dir !== ROOT && dir.includes("node_modules"));
}

function treeSize(dir: string): { bytes: number; files: number } {
  return filesSize([...walk(dir)]);
}

/** A nested package is listed on its own and inside its parent: each file counts once. */
function filesSize(files: string[]): { bytes: number; files: number } {
  const unique = new Set(files);
  let bytes = 0;
  for (const file of unique) bytes += statSync(file).size;
  return { bytes, files: unique.size };
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}
