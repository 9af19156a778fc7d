import { resolve } from "node:path";
import type { Azurite } from "../dev/local/azurite";
import type { SimulatedTenant } from "../dev/simulator/simulatedTenant";
import { lastJsonLine, runCommand } from "./childProcess";
import { loadAverage, productSettings } from "./services";

/** One `npm run sync -- <kind>` as a person runs it, timed from the shell's point of view. */
export interface CommandMeasurement {
  kind: string;
  /** The command line, with the environment that matters. */
  command: string;
  status: string;
  /** Spawn to exit: npm, the build check, Node's start, the app's import and the sync. */
  wallMs: number;
  /** The sync's own `durationMs`, from the command's JSON line. */
  durationMs: number;
  load: number;
}

const ROOT = resolve(__dirname, "..", "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/**
 * The whole command as a person runs it, with Node's own heap, or with `heapMb`, the heap a 512 MB instance gives
 * the worker (NODE_OPTIONS applies to every Node process it starts: npm, the build check and the sync). The build is
 * current (the bench built it), so the build check is the no-op a second `npm run sync` meets.
 */
export async function measureCommand(
  kind: string,
  tenant: SimulatedTenant,
  azurite: Azurite,
  heapMb?: number,
): Promise<CommandMeasurement> {
  const nodeOptions = heapMb === undefined ? "" : `--max-old-space-size=${heapMb}`;
  const env = { ...process.env, ...productSettings(tenant, azurite), NODE_OPTIONS: nodeOptions };
  const load = loadAverage();
  const run = await runCommand(npm, ["run", "sync", "--", kind], env, ROOT);
  const line = lastJsonLine<{ status: string; durationMs: number; error?: string }>(run, `npm run sync -- ${kind}`);
  if (line.status !== "succeeded") throw new Error(`npm run sync -- ${kind} ${line.status}: ${line.error ?? ""}`);
  return {
    kind,
    command: `${nodeOptions === "" ? "" : `NODE_OPTIONS=${nodeOptions} `}npm run sync -- ${kind}`,
    status: line.status,
    wallMs: run.wallMs,
    durationMs: line.durationMs,
    load,
  };
}
