import type { DashboardDeclaration } from "../../api/dashboard/dashboardDeclaration";

/** The catalog kind's charts, from the counts its runs keep (CATALOG_COUNTS). */
export const catalogDashboard: DashboardDeclaration = {
  charts: [
    {
      title: "Items by type",
      series: [
        { count: "Report", label: "reports" },
        { count: "SemanticModel", label: "semantic models" },
        { count: "Dashboard", label: "dashboards" },
        { count: "Dataflow", label: "dataflows" },
        { count: "Datamart", label: "datamarts" },
      ],
    },
    {
      title: "Semantic models without governance",
      description: "Neither promoted nor certified, and without a sensitivity label.",
      series: [
        { count: "SemanticModel", label: "semantic models" },
        { count: "unendorsedModels", label: "unendorsed" },
        { count: "unlabelledModels", label: "unlabelled" },
      ],
    },
    {
      title: "Data sources and lineage",
      series: [
        { count: "datasources", label: "data sources" },
        { count: "edges", label: "lineage edges" },
      ],
    },
    {
      title: "Workspaces",
      description: "Each run scans the workspaces modified since the one before and carries the others over.",
      series: [
        { count: "workspaces", label: "workspaces" },
        { count: "scanned", label: "scanned" },
        { count: "carried", label: "carried over" },
      ],
    },
  ],
};
