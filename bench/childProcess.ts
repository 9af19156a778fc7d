import { spawn, type ChildProcess } from "node:child_process";

export interface ChildRun {
  code: number;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/**
 * Runs a Node script to its end. The child gets `base` (by default this environment, so NODE_EXTRA_CA_CERTS trusts
 * the simulated tenant) plus `env`.
 */
export function runNode(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
  base: NodeJS.ProcessEnv = process.env,
): Promise<ChildRun> {
  return runCommand(process.execPath, [...nodeArgs, script, ...args], { ...base, ...env });
}

/** Runs any command to its end, timed from spawn to exit. */
export function runCommand(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd?: string,
): Promise<ChildRun> {
  const started = performance.now();
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"], ...(cwd === undefined ? {} : { cwd }) });
  const out = collect(child);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) =>
      resolve({ code: code ?? (signal === null ? 1 : 128), ...out(), wallMs: performance.now() - started }),
    );
  });
}

/** The last line of a child's stdout as JSON: how bench children report. */
export function lastJsonLine<T>(run: ChildRun, what: string): T {
  const line = run.stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`${what} exited ${run.code} without a report: ${run.stderr.trim().slice(-2000)}`);
  }
}

/** Keeps what a child prints; bench children print little, so it is all kept. */
export function collect(child: ChildProcess): () => { stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return () => ({ stdout, stderr });
}
