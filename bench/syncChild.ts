import { syncKind, type SyncOutcome } from "../src/app/inventory";
import { KINDS, loadAppConfig } from "../src/kinds/registry";

/** What a sync child reports on its last stdout line. */
export interface SyncChildReport {
  outcome: SyncOutcome;
  /** process.resourceUsage().maxRSS: the peak resident set of this whole process, in KiB. */
  maxRssKb: number;
  cpuMs: number;
}

/**
 * `node dist/bench/syncChild.js users|workspaces`: one sync through the product's own entry point, with the settings
 * the bench put into the environment. It runs in a process of its own so that its peak RSS is the sync's alone.
 */
async function main(): Promise<number> {
  const kind = process.argv[2] ?? "";
  const names = KINDS.map((known) => known.name);
  if (!names.includes(kind)) throw new Error(`usage: syncChild.js ${names.join("|")}`);
  const outcome = await syncKind(kind, loadAppConfig());
  const usage = process.resourceUsage();
  const report: SyncChildReport = {
    outcome,
    maxRssKb: usage.maxRSS,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  return outcome.status === "succeeded" ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
