import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface ProfileShare {
  name: string;
  ms: number;
  share: number;
}

/** Self time of a V8 CPU profile (`node --cpu-prof`), summed by function and by package or source folder. */
export function summarizeProfile(
  profile: CpuProfile,
  top = 20,
): { byFunction: ProfileShare[]; byModule: ProfileShare[] } {
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const samples = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const msPerSample = samples === 0 ? 0 : totalMs / samples;
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * msPerSample;
    if (ms === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = moduleOf(url);
    const name = `${functionName || "(anonymous)"} ${where}${url === "" ? "" : `:${lineNumber + 1}`}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    byModule.set(where, (byModule.get(where) ?? 0) + ms);
  }
  const ranked = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms, share: ms / totalMs }));
  return { byFunction: ranked(byFunction), byModule: ranked(byModule) };
}

/** `node_modules/@azure/data-tables/...` → `@azure/data-tables`; `.../dist/src/store/x.js` → `src/store`. */
function moduleOf(url: string): string {
  if (url === "") return "(native, GC or idle)";
  const packaged = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packaged !== null) return packaged[1]!;
  const own = /dist\/((?:src|bench)\/[^/]+)/.exec(url);
  if (own !== null) return own[1]!;
  return url.startsWith("node:") ? url.split("/")[0]! : url;
}

/** `node dist/bench/profileSummary.js <file.cpuprofile> [top]`: prints where a profiled sync spent its CPU. */
if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (file === undefined) {
    console.error("usage: node dist/bench/profileSummary.js <file.cpuprofile> [top]");
    process.exit(2);
  }
  const summary = summarizeProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, Number(top ?? 20));
  for (const [title, list] of [
    ["by module", summary.byModule],
    ["by function", summary.byFunction],
  ] as const) {
    console.log(`\n== self time ${title}`);
    for (const { name, ms, share } of list) {
      console.log(`${ms.toFixed(0).padStart(7)} ms ${(share * 100).toFixed(1).padStart(5)}%  ${name}`);
    }
  }
}
