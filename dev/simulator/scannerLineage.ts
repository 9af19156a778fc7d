import { FABRIC_ITEM_KEYS, type DatasourceUsage, type FabricItemKey, type WorkspaceInfo } from "./scannerTypes";

/** `from` is upstream of `to`; ids lower-case. */
export interface LineageEdge {
  readonly from: string;
  readonly to: string;
}

export type LineageDirection = "downstream" | "upstream";

/** The lineage closure of one id: the ids reached (the root first) and the edges walked. */
export interface LineageClosure {
  readonly nodes: readonly string[];
  readonly edges: readonly LineageEdge[];
}

/**
 * The lineage edges a WorkspaceInfo (scanned with lineage) states, ids lower-cased, each once:
 * data source → model, report (paginated), dataflow, datamart (`datasourceUsages`; misconfigured usages are not
 * edges); dataflow → dataflow, model, datamart (`upstreamDataflows`); model → model (`upstreamDatasets`); datamart →
 * model (`upstreamDatamarts`); model → report (`datasetId`); report → dashboard and model → dashboard (tile
 * `reportId`, `datasetId`); Fabric item → Fabric item (`relations[].dependentOnArtifactId`).
 */
export function workspaceLineageEdges(info: WorkspaceInfo): LineageEdge[] {
  const edges = new Map<string, LineageEdge>();
  const add = (from: string | undefined, to: string): void => {
    if (from === undefined) return;
    const edge = { from: from.toLowerCase(), to: to.toLowerCase() };
    edges.set(`${edge.from} ${edge.to}`, edge);
  };
  const fromSources = (usages: readonly DatasourceUsage[] | undefined, to: string): void => {
    for (const usage of usages ?? []) add(usage.datasourceInstanceId, to);
  };
  for (const dataset of info.datasets) {
    fromSources(dataset.datasourceUsages, dataset.id);
    for (const upstream of dataset.upstreamDataflows ?? []) add(upstream.targetDataflowId, dataset.id);
    for (const upstream of dataset.upstreamDatasets ?? []) add(upstream.targetDatasetId, dataset.id);
    for (const upstream of dataset.upstreamDatamarts ?? []) add(upstream.targetDatamartId, dataset.id);
  }
  for (const report of info.reports) {
    add(report.datasetId, report.id);
    fromSources(report.datasourceUsages, report.id);
  }
  for (const dashboard of info.dashboards) {
    for (const tile of dashboard.tiles ?? []) {
      add(tile.reportId, dashboard.id);
      add(tile.datasetId, dashboard.id);
    }
  }
  for (const dataflow of info.dataflows) {
    fromSources(dataflow.datasourceUsages, dataflow.objectId);
    for (const upstream of dataflow.upstreamDataflows ?? []) add(upstream.targetDataflowId, dataflow.objectId);
  }
  for (const datamart of info.datamarts) {
    fromSources(datamart.datasourceUsages, datamart.id);
    for (const upstream of datamart.upstreamDataflows ?? []) add(upstream.targetDataflowId, datamart.id);
  }
  for (const key of Object.keys(FABRIC_ITEM_KEYS) as FabricItemKey[]) {
    for (const item of info[key] ?? []) {
      for (const relation of item.relations ?? []) add(relation.dependentOnArtifactId, item.id);
    }
  }
  return [...edges.values()];
}

/**
 * Everything downstream of `rootId` (what depends on it, transitively) or upstream (what it depends on), over
 * `edges`; ids are matched in any case and returned lower-case, the root first, then in breadth-first order.
 */
export function lineageClosure(
  edges: readonly LineageEdge[],
  rootId: string,
  direction: LineageDirection,
): LineageClosure {
  const next = new Map<string, LineageEdge[]>();
  for (const edge of edges) {
    const key = direction === "downstream" ? edge.from : edge.to;
    next.set(key, [...(next.get(key) ?? []), edge]);
  }
  const root = rootId.toLowerCase();
  const nodes = [root];
  const seen = new Set(nodes);
  const walked: LineageEdge[] = [];
  for (let position = 0; position < nodes.length; position += 1) {
    for (const edge of next.get(nodes[position] ?? "") ?? []) {
      walked.push(edge);
      const other = direction === "downstream" ? edge.to : edge.from;
      if (!seen.has(other)) {
        seen.add(other);
        nodes.push(other);
      }
    }
  }
  return { nodes, edges: walked };
}
