import { endorsement, instants, sensitivityLabel, setIf, SUBJECTS, useLocal, type BuildContext } from "./scannerBuild";
import {
  earlierWorkspaceWith,
  EVERYTHING_WORKSPACE_INDEX,
  scanDashboardId,
  scanDatasetId,
  scanReportId,
  THIN_REPORTS_WORKSPACE_INDEX,
} from "./scannerPlan";
import type { ScanDashboard, ScanReport, ScanTile } from "./scannerTypes";
import { artifactUsers, somePerson } from "./scannerUsers";
import { isoSeconds, SeededRandom, seededGuid } from "./seeded";
import { workspaceSummary } from "./simulatedWorkspace";

/** Id of the report a touch (`touchWorkspaces`) adds: version `version` of the workspace at `index` has 1..version. */
export function editedReportId(seed: number, index: number, n: number): string {
  return seededGuid(seed, "scan-edit-report", index, n);
}

/**
 * The reports of a workspace: thin reports on a model of the workspace, or (one in seven, every report of workspace
 * 2, the last of workspace 6) on a model of an earlier workspace, with `datasetWorkspaceId`; paginated reports read
 * a data source directly. Some `datasetId`s are upper-case, as the service sometimes sends them.
 */
export function scanReports(context: BuildContext): ScanReport[] {
  const { seed, index, plan, version } = context;
  const reports = Array.from({ length: plan.reports }, (_, k) =>
    scanReport(context, scanReportId(seed, index, k), new SeededRandom(seed, "scan-report", index, k), k, false),
  );
  for (let n = 1; n <= version; n += 1) {
    reports.push(
      scanReport(context, editedReportId(seed, index, n), new SeededRandom(seed, "scan-edit", index, n), n, true),
    );
  }
  return reports;
}

function scanReport(context: BuildContext, id: string, random: SeededRandom, k: number, edited: boolean): ScanReport {
  const { seed, index, plan, options } = context;
  const [created, modified] = instants(random);
  const creator = somePerson(seed, random);
  const editor = somePerson(seed, random);
  let paginated = !edited && random.chance(0.1);
  const foreignRoll = random.chance(1 / 7);
  const report: ScanReport = {
    id,
    name: edited ? `Edited report ${k}` : `${random.pick(SUBJECTS)} report ${k}`,
    reportType: "PowerBIReport",
    createdDateTime: isoSeconds(created),
    modifiedDateTime: isoSeconds(modified),
    createdBy: creator.mail,
    createdById: creator.id,
    modifiedBy: editor.mail,
    modifiedById: editor.id,
  };
  setIf(report, "endorsementDetails", endorsement(seed, random));
  setIf(report, "sensitivityLabel", sensitivityLabel(seed, random));
  if (!paginated) {
    const wantsForeign =
      !edited &&
      (plan.datasets === 0 ||
        foreignRoll ||
        index === THIN_REPORTS_WORKSPACE_INDEX ||
        (index === EVERYTHING_WORKSPACE_INDEX && k === plan.reports - 1));
    const foreign = wantsForeign ? earlierWorkspaceWith(seed, index, `report-${k}`, (p) => p.datasets) : undefined;
    if (foreign !== undefined) {
      const datasetId = scanDatasetId(seed, foreign.index, foreign.k);
      report.datasetId = k % 2 === 0 ? datasetId.toUpperCase() : datasetId;
      report.datasetWorkspaceId = workspaceSummary(seed, foreign.index).id;
    } else if (plan.datasets > 0) {
      const datasetId = scanDatasetId(seed, index, k % plan.datasets);
      report.datasetId = (index + k) % 11 === 5 ? datasetId.toUpperCase() : datasetId;
    } else paginated = true;
  }
  if (paginated) {
    report.reportType = "PaginatedReport";
    const usage = useLocal(context, k % 3);
    if (options.lineage) report.datasourceUsages = [usage];
  }
  if (options.getArtifactUsers) report.users = artifactUsers(seed, "report", new SeededRandom(seed, "scan-users", id));
  return report;
}

/**
 * The dashboards of a workspace. With lineage, tiles pin reports (with the report's dataset, lower-case) or, for Q&A
 * tiles, a model of the workspace; some tiles (text, images) name neither.
 */
export function scanDashboards(context: BuildContext, reports: readonly ScanReport[]): ScanDashboard[] {
  const { seed, index, plan, options } = context;
  return Array.from({ length: plan.dashboards }, (_, k) => {
    const id = scanDashboardId(seed, index, k);
    const random = new SeededRandom(seed, "scan-dashboard", index, k);
    const dashboard: ScanDashboard = {
      id,
      displayName: `${random.pick(SUBJECTS)} dashboard ${k}`,
      isReadOnly: random.chance(0.1),
    };
    setIf(dashboard, "sensitivityLabel", sensitivityLabel(seed, random));
    if (options.lineage) dashboard.tiles = tiles(context, id, reports);
    if (options.getArtifactUsers) {
      dashboard.users = artifactUsers(seed, "dashboard", new SeededRandom(seed, "scan-users", id));
    }
    return dashboard;
  });
}

function tiles(context: BuildContext, dashboardId: string, reports: readonly ScanReport[]): ScanTile[] {
  const { seed, index, plan } = context;
  const random = new SeededRandom(seed, "scan-tiles", dashboardId);
  return Array.from({ length: random.int(1, 4) }, (_, t) => {
    const tile: ScanTile = { id: seededGuid(seed, "scan-tile", dashboardId, t), title: `Tile ${t}` };
    const roll = random.next();
    const report = reports.length > 0 ? reports[random.int(0, Math.min(reports.length, 50) - 1)] : undefined;
    if (roll < 0.7 && report !== undefined) {
      tile.reportId = report.id;
      if (report.datasetId !== undefined) tile.datasetId = report.datasetId.toLowerCase();
    } else if (roll < 0.9 && plan.datasets > 0) {
      tile.datasetId = scanDatasetId(seed, index, random.int(0, plan.datasets - 1));
    }
    return tile;
  });
}
