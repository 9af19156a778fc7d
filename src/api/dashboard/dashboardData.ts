import { publicSnapshot, type SnapshotRecord } from "../../store/manifestStore";
import type { ApiContext } from "../apiContext";
import { cachedSummary } from "../diff/cachedSummary";
import type { DiffDeclaration } from "../diff/diffDeclaration";
import type { OperationDoc } from "../operation";
import type { DashboardDeclaration } from "./dashboardDeclaration";
import type { ChartData, Dashboard, KindDashboard } from "./dashboardSchema";

/** What the dashboard needs to know of a kind; a configured kind is one. */
export interface DashboardKind {
  readonly name: string;
  readonly description: string;
  readonly schedule: string;
  readonly diff: DiffDeclaration;
  readonly dashboard?: DashboardDeclaration;
  readonly routes: readonly { readonly route: string; readonly operation: { readonly doc: OperationDoc } }[];
}

/** A list route of a kind, `snapshots/{snapshotId}/<name>`, that can answer CSV. */
const LIST_ROUTE = /^snapshots\/\{snapshotId\}\/([A-Za-z]+)$/;

/**
 * What the page shows, read with one manifest query for every kind at once (the tenant's manifests are one
 * partition, which a query filtered by kind would scan all the same), then, for each kind side by side, one point
 * read of its latest diff summary (a pass over two snapshots the first time only, see cachedSummary).
 */
export async function dashboardData(api: ApiContext, kinds: readonly DashboardKind[], now: Date): Promise<Dashboard> {
  const records = new Map(kinds.map((kind): [string, SnapshotRecord[]] => [kind.name, []]));
  for await (const record of api.manifests.list()) records.get(record.kind)?.push(record);
  return {
    tenantId: api.tenantId,
    generatedAt: now.toISOString(),
    kinds: await Promise.all(kinds.map((kind) => kindData(api, kind, records.get(kind.name)!))),
  };
}

/** A kind's part, from its manifests newest first. */
async function kindData(api: ApiContext, kind: DashboardKind, records: SnapshotRecord[]): Promise<KindDashboard> {
  // A snapshot retention retired is no run anyone made lately.
  const succeeded = records.filter((record) => record.status === "succeeded");
  const latestRun = records.find((record) => record.retiredAt === undefined);
  const [newer, older] = succeeded;
  const lastChange =
    newer !== undefined && older !== undefined
      ? await cachedSummary(api, { tenantId: api.tenantId, kind: kind.name, declaration: kind.diff, older, newer })
      : null;
  const snapshots = succeeded.reverse().map(({ id, startedAt, finishedAt, counts }) => ({
    id,
    startedAt,
    finishedAt,
    counts,
  }));
  return {
    kind: kind.name,
    description: kind.description,
    schedule: kind.schedule,
    charts: kind.dashboard?.charts.map((chart) => ({ ...chart, series: [...chart.series] })) ?? everyCount(snapshots),
    snapshots,
    latestRun: latestRun === undefined ? null : publicSnapshot(latestRun),
    lastChange,
    exports: exportsOf(kind),
  };
}

/** A kind that declares no charts gets one of every count its snapshots have. */
function everyCount(snapshots: readonly { counts: Record<string, number> }[]): ChartData[] {
  const names = [...new Set(snapshots.flatMap((snapshot) => Object.keys(snapshot.counts)))].sort();
  return names.length === 0 ? [] : [{ title: "Counts", series: names.map((name) => ({ count: name, label: name })) }];
}

/** The kind's list routes that export CSV, as links to the latest snapshot's whole selection. */
function exportsOf(kind: DashboardKind): KindDashboard["exports"] {
  return kind.routes.flatMap(({ route, operation: { doc } }) => {
    const list = LIST_ROUTE.exec(route)?.[1];
    const csv = doc.responses.some((response) => response.media?.["text/csv"] !== undefined);
    return list !== undefined && csv ? [{ label: `${list} (CSV)`, path: `snapshots/latest/${list}?format=csv` }] : [];
  });
}
