// Finds the Bicep CLI for the infra tests, restoring it from NuGet (Azure.Bicep.CommandLine.<rid>) through
// infra/tools/bicep.csproj into infra/.tools/ the first time. Jest workers share one restore through a lock directory.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ValueObject } from "./armFunctions";

export const repoRoot = path.resolve(__dirname, "..", "..");
export const infraDir = path.join(repoRoot, "infra");
const toolsProject = path.join(infraDir, "tools", "bicep.csproj");
const toolsDir = path.join(infraDir, ".tools");
const lockDir = path.join(toolsDir, "restore.lock");
const restoreTimeoutMs = 10 * 60_000;
const staleLockMs = restoreTimeoutMs + 60_000;

export type BicepAvailability =
  | { available: true; how: "BICEP_PATH" | "restored" | "restorable"; version: string }
  | { available: false; reason: string };

/** The package version pinned in infra/tools/bicep.csproj. */
export function pinnedBicepVersion(): string {
  const match = /<BicepVersion>([^<]+)<\/BicepVersion>/.exec(readFileSync(toolsProject, "utf8"));
  if (match?.[1] === undefined) throw new Error(`${toolsProject} has no <BicepVersion>`);
  return match[1].trim();
}

function isMusl(): boolean {
  const report = process.report.getReport() as unknown as { header?: { glibcVersionRuntime?: string } };
  return report.header?.glibcVersionRuntime === undefined;
}

/** The NuGet runtime id of Azure.Bicep.CommandLine.<rid> for this machine, or undefined when none is published. */
export function bicepRuntimeId(): string | undefined {
  const arch = process.arch === "x64" || process.arch === "arm64" ? process.arch : undefined;
  if (arch === undefined) return undefined;
  switch (process.platform) {
    case "linux":
      if (!isMusl()) return `linux-${arch}`;
      return arch === "x64" ? "linux-musl-x64" : undefined;
    case "darwin":
      return `osx-${arch}`;
    case "win32":
      return `win-${arch}`;
    default:
      return undefined;
  }
}

function restoredBinary(rid: string, version: string): string {
  const exe = rid.startsWith("win-") ? "bicep.exe" : "bicep";
  return path.join(toolsDir, "packages", `azure.bicep.commandline.${rid}`, version, "tools", exe);
}

function dotnetVersion(): string | undefined {
  const result = spawnSync("dotnet", ["--version"], { encoding: "utf8", timeout: 60_000 });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Decides synchronously (tests are declared synchronously) whether the CLI can run here, and if not, why. */
export function bicepAvailability(): BicepAvailability {
  const fromEnv = process.env.BICEP_PATH;
  if (fromEnv !== undefined && fromEnv !== "") {
    return existsSync(fromEnv)
      ? { available: true, how: "BICEP_PATH", version: "from BICEP_PATH" }
      : { available: false, reason: `BICEP_PATH=${fromEnv} does not exist` };
  }
  const version = pinnedBicepVersion();
  const rid = bicepRuntimeId();
  if (rid === undefined) {
    return { available: false, reason: `no Azure.Bicep.CommandLine package for ${process.platform}-${process.arch}` };
  }
  if (existsSync(restoredBinary(rid, version))) return { available: true, how: "restored", version };
  if (dotnetVersion() === undefined) {
    return {
      available: false,
      reason:
        "the .NET SDK (dotnet) is not on PATH, so Azure.Bicep.CommandLine cannot be restored; " +
        "install the .NET SDK or set BICEP_PATH to a bicep executable",
    };
  }
  return { available: true, how: "restorable", version };
}

/**
 * Declares a describe block that needs the Bicep CLI. Without the CLI it is skipped with the reason in its title and
 * a warning, so a run never passes silently; on CI (CI=true) a missing CLI fails instead.
 */
export function describeWithBicep(title: string, body: () => void): void {
  const availability = bicepAvailability();
  if (availability.available) {
    describe(title, body);
  } else if (process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false") {
    describe(title, () => {
      it("has the Bicep CLI (required on CI)", () => {
        throw new Error(`Bicep CLI unavailable: ${availability.reason}`);
      });
    });
  } else {
    console.warn(`SKIPPED "${title}": ${availability.reason}`);
    describe.skip(`${title} [SKIPPED: ${availability.reason}]`, body);
  }
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to completion, collecting its output; never rejects on a non-zero exit. */
export function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, timeout: timeoutMs, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function withRestoreLock<T>(work: () => Promise<T>): Promise<T> {
  mkdirSync(toolsDir, { recursive: true });
  const deadline = Date.now() + staleLockMs;
  for (;;) {
    try {
      mkdirSync(lockDir); // atomic: exactly one process wins
      writeFileSync(path.join(lockDir, "owner"), `${process.pid}\n`);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const lockedAt = statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      // A lock older than any restore can take was left by a killed process.
      if (Date.now() - lockedAt > staleLockMs) rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir}`, { cause: error });
      else await sleep(250);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

export interface BicepCli {
  path: string;
  version: string;
  /** Milliseconds spent restoring the package in this process (0 when it was already there). */
  restoreMs: number;
}

let cliPromise: Promise<BicepCli> | undefined;

async function locateOrRestore(): Promise<BicepCli> {
  const fromEnv = process.env.BICEP_PATH;
  if (fromEnv !== undefined && fromEnv !== "") return { path: fromEnv, version: "from BICEP_PATH", restoreMs: 0 };
  const version = pinnedBicepVersion();
  const rid = bicepRuntimeId();
  if (rid === undefined) throw new Error(`no Azure.Bicep.CommandLine package for ${process.platform}-${process.arch}`);
  const binary = restoredBinary(rid, version);
  if (existsSync(binary)) return { path: binary, version, restoreMs: 0 };
  const started = Date.now();
  await withRestoreLock(async () => {
    if (existsSync(binary)) return; // another worker restored it while this one waited
    const args = ["restore", toolsProject, `-p:BicepRid=${rid}`, "--nologo"];
    const result = await run("dotnet", args, repoRoot, restoreTimeoutMs);
    if (result.code !== 0 || !existsSync(binary)) {
      throw new Error(`dotnet ${args.join(" ")} failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
    }
  });
  if (process.platform !== "win32") chmodSync(binary, 0o755); // some NuGet clients drop the executable bit
  return { path: binary, version, restoreMs: Date.now() - started };
}

/** The Bicep CLI, restored at most once per process (and once per machine across processes). */
export function bicepCli(): Promise<BicepCli> {
  cliPromise ??= locateOrRestore();
  return cliPromise;
}

export interface BuildResult {
  template: ValueObject;
  /** Everything the CLI printed: empty for a clean build. */
  diagnostics: string;
  ms: number;
}

/** `bicep build <file> --outfile <tmp>`: the compiled ARM template and the CLI's diagnostics. */
export async function bicepBuild(file: string): Promise<BuildResult> {
  const cli = await bicepCli();
  const outDir = await mkdtemp(path.join(tmpdir(), "bicep-build-"));
  try {
    const outFile = path.join(outDir, "main.json");
    const result = await run(cli.path, ["build", file, "--outfile", outFile], repoRoot, 120_000);
    const diagnostics = `${result.stdout}${result.stderr}`.trim();
    if (result.code !== 0) throw new Error(`bicep build ${file} failed (exit ${result.code}):\n${diagnostics}`);
    const template = JSON.parse(await readFile(outFile, "utf8")) as ValueObject;
    return { template, diagnostics, ms: result.ms };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

let mainBuild: Promise<BuildResult> | undefined;

/** infra/main.bicep compiled once per test file. */
export function buildMain(): Promise<BuildResult> {
  mainBuild ??= bicepBuild(path.join(infraDir, "main.bicep"));
  return mainBuild;
}

/** `bicep lint <file>`: exit code and diagnostics (warnings included). */
export async function bicepLint(file: string): Promise<RunResult> {
  const cli = await bicepCli();
  return run(cli.path, ["lint", file], repoRoot, 120_000);
}
