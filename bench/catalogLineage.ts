import type { Azurite } from "../dev/local/azurite";
import { hubDatasourceId } from "../dev/simulator/scannerDatasources";
import { lineageClosure, type LineageEdge } from "../dev/simulator/scannerLineage";
import type { SimulatedTenant } from "../dev/simulator/simulatedTenant";
import { LISTED } from "./catalogTenant";
import { load, median, startHost } from "./dashboardPhase";
import { productSettings } from "./services";
import { startStorageProxy } from "./storageProxy";

/** Timed loads of each root's lineage, taken in turns. */
const ROUNDS = 5;

/** One root's downstream lineage through `GET /api/snapshots/latest/lineage/{id}?direction=downstream`. */
export interface LineageFigures {
  root: string;
  id: string;
  /** Nodes and edges of the answer, and the nodes of the simulator's own closure (they must agree). */
  nodes: number;
  edges: number;
  expectedNodes: number;
  /** Storage requests of one answer, counted by a proxy in front of Azurite. */
  storageRequests: number;
  /** Median of ROUNDS loads through a host that talks to Azurite directly, each read to its last byte. */
  ms: number;
  rounds: number;
  requestsPerNode: number;
  msPerNode: number;
}

/**
 * The downstream lineage of the hub data source (read by a tenth of all semantic models) and of a second root whose
 * answer is about a tenth of the hub's, in the newest catalog snapshot of one store: one answer of each through a
 * host whose storage requests a proxy counts, then ROUNDS timed loads of each in turns. If the cost grows with the
 * answer, requests and milliseconds per node are the same for both; if it grew with the tenant, the small answer
 * would cost as much as the big one. (Azurite answers every query by scanning the whole table, about 0.14 µs a row
 * it holds, so on it a node's time grows with the store as well, which Table Storage's key index does not: both roots
 * are read from the same store, and the store is kept small.)
 */
export async function measureLineage(
  tenant: SimulatedTenant,
  azurite: Azurite,
  log: (message: string) => void,
): Promise<LineageFigures[]> {
  log("catalog lineage: the simulator's own lineage edges, for the roots and their closures");
  const edges = tenant.scanner.expectedLineageEdges(LISTED);
  const hub = hubDatasourceId(tenant.seed);
  const hubNodes = lineageClosure(edges, hub, "downstream").nodes.length;
  const other = answerNear(edges, hub, hubNodes / 10);
  const roots = [
    { root: "the hub data source", id: hub, expectedNodes: hubNodes },
    { root: "a root with a tenth of its answer", ...other },
  ];
  const proxy = await startStorageProxy(azurite.connectionString);
  const counted = await startHost({ ...productSettings(tenant, azurite), INVENTORY_STORAGE: proxy.connectionString });
  const direct = await startHost(productSettings(tenant, azurite));
  try {
    const path = (id: string) => `/api/snapshots/latest/lineage/${id}?direction=downstream`;
    const answers = [];
    for (const root of roots) {
      proxy.reset();
      const answer = JSON.parse(await load(`${counted.url}${path(root.id)}`)) as { nodes: unknown[]; edges: unknown[] };
      answers.push({
        ...root,
        nodes: answer.nodes.length,
        edges: answer.edges.length,
        storageRequests: proxy.requests.length,
      });
    }
    log(
      `catalog lineage: ${ROUNDS} loads of each root (${answers.map((a) => `${a.nodes} nodes`).join(", ")}), in turns`,
    );
    const times = roots.map((): number[] => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [index, root] of roots.entries()) {
        const started = performance.now();
        await load(`${direct.url}${path(root.id)}`);
        times[index]!.push(performance.now() - started);
      }
    }
    return answers.map((answer, index) => {
      const ms = median(times[index]!);
      return {
        ...answer,
        ms,
        rounds: ROUNDS,
        requestsPerNode: answer.storageRequests / answer.nodes,
        msPerNode: ms / answer.nodes,
      };
    });
  } finally {
    await Promise.all([counted.stop(), direct.stop()]);
    await proxy.close();
  }
}

/** Of the 200 nodes with most edges out (the hub apart), the one whose downstream answer is nearest `nodes` in size. */
function answerNear(
  edges: readonly LineageEdge[],
  except: string,
  nodes: number,
): { id: string; expectedNodes: number } {
  const out = new Map<string, number>();
  for (const edge of edges) if (edge.from !== except) out.set(edge.from, (out.get(edge.from) ?? 0) + 1);
  const candidates = [...out.entries()].sort((a, b) => b[1] - a[1]).slice(0, 200);
  let best: { id: string; expectedNodes: number; distance: number } | undefined;
  for (const [id] of candidates) {
    const size = lineageClosure(edges, id, "downstream").nodes.length;
    const distance = Math.abs(Math.log(size / nodes));
    if (best === undefined || distance < best.distance) best = { id, expectedNodes: size, distance };
  }
  if (best === undefined) throw new Error("the simulated tenant has no lineage edge beside the hub's");
  return { id: best.id, expectedNodes: best.expectedNodes };
}
