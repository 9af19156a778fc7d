import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import autocannon from "autocannon";
import type { TableClient } from "@azure/data-tables";
import { collect } from "./childProcess";
import { collectPositions, readPageDirect, type PagePosition, type UsersSnapshot } from "./pagePositions";

export interface LatencyFigures {
  clients: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers other than 200, and connection errors; any makes the figures meaningless. */
  failures: number;
}

export interface HttpMeasurement {
  pagesSampled: number;
  top: number;
  http: LatencyFigures[];
  direct: LatencyFigures[];
}

const TOP = 100;
const CLIENTS = [1, 16];

/**
 * `GET /api/snapshots/latest/users?top=100` at random pages spread over the snapshot, through the local host in a
 * child process and autocannon, then the same pages read straight through TableClient in this process.
 */
export async function measureHttp(
  env: Record<string, string>,
  table: TableClient,
  snapshot: UsersSnapshot,
  seconds: number,
): Promise<HttpMeasurement> {
  const host = spawn(process.execPath, [join(__dirname, "hostChild.js")], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collect(host);
  try {
    const url = await hostUrl(host.stdout, () => output().stderr);
    const positions = await collectPositions(url, snapshot);
    const http: LatencyFigures[] = [];
    const direct: LatencyFigures[] = [];
    for (const clients of CLIENTS) http.push(await loadHttp(url, positions, clients, seconds));
    for (const clients of CLIENTS) direct.push(await loadDirect(table, snapshot, positions, clients, seconds));
    return { pagesSampled: positions.length, top: TOP, http, direct };
  } finally {
    host.kill("SIGTERM");
    if (host.exitCode === null) await once(host, "exit");
  }
}

async function hostUrl(stdout: NodeJS.ReadableStream, stderr: () => string): Promise<string> {
  let text = "";
  for await (const chunk of stdout) {
    text += String(chunk);
    const line = text.split("\n")[0];
    if (text.includes("\n") && line !== undefined) return (JSON.parse(line) as { url: string }).url;
  }
  throw new Error(`the host exited before listening: ${stderr()}`);
}

function pagePath(position: PagePosition): string {
  const token = position.token === undefined ? "" : `&continuationToken=${encodeURIComponent(position.token)}`;
  return `/api/snapshots/latest/users?top=${TOP}${token}`;
}

function pick<T>(list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)]!;
}

async function loadHttp(url: string, positions: PagePosition[], clients: number, seconds: number) {
  const result = await autocannon({
    url,
    connections: clients,
    duration: seconds,
    requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: pagePath(pick(positions)) }) }],
  });
  return {
    clients,
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / (result.duration || seconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/** `clients` loops reading random pages for `seconds`, every latency kept. */
async function loadDirect(
  table: TableClient,
  snapshot: UsersSnapshot,
  positions: PagePosition[],
  clients: number,
  seconds: number,
): Promise<LatencyFigures> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const client = async () => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      const rows = await readPageDirect(table, snapshot, pick(positions), TOP);
      latencies.push(performance.now() - sent);
      if (rows === 0) failures++;
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return {
    clients,
    requests: latencies.length,
    requestsPerSecond: latencies.length / elapsed,
    p50Ms: percentile(0.5),
    p99Ms: percentile(0.99),
    failures,
  };
}
