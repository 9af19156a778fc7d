import { readdirSync, readFileSync } from "node:fs";

/** A variable a test puts in a child's environment; every process that child starts inherits it. */
export const MARKER = "TENANT_INVENTORY_TEST_MARKER";

export interface MarkedProcess {
  pid: number;
  /** The command line, arguments joined by spaces. */
  command: string;
}

/**
 * Processes (of this user, on Linux) whose environment holds MARKER=`marker`: what a child started, found however
 * it was re-parented. Other test runs on the machine carry other markers, so they are never counted.
 */
export function markedProcesses(marker: string): MarkedProcess[] {
  const found: MarkedProcess[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environment = readFileSync(`/proc/${entry}/environ`, "latin1").split("\0");
      if (!environment.includes(`${MARKER}=${marker}`)) continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, "latin1").split("\0").join(" ").trim();
      // A zombie (exited, not yet reaped) has an empty command line and holds nothing.
      if (command !== "") found.push({ pid: Number(entry), command });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/** The marked processes still there once none are left or `withinMs` has passed (processes take a moment to exit). */
export async function markedProcessesAfter(marker: string, withinMs = 10_000): Promise<MarkedProcess[]> {
  const deadline = Date.now() + withinMs;
  let left = markedProcesses(marker);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = markedProcesses(marker);
  }
  return left;
}

/** Kills what a failed test left behind, by pid, so that one failure does not leak processes into the next tests. */
export function killMarked(marker: string): void {
  for (const { pid } of markedProcesses(marker)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}
