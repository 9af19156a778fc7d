import type { DashboardDeclaration } from "../../api/dashboard/dashboardDeclaration";

/** The workspaces kind's charts; `orphaned` only when users are expanded, since only then is it counted. */
export function workspacesDashboard(expand: readonly string[]): DashboardDeclaration {
  return {
    charts: [
      {
        title: "Workspaces",
        series: [
          { count: "workspaces", label: "workspaces" },
          ...(expand.includes("users") ? [{ count: "orphaned", label: "orphaned (no Admin)" }] : []),
          { count: "dedicated", label: "on dedicated capacity" },
          { count: "personal", label: "personal" },
        ],
      },
      {
        title: "Content",
        series: [
          { count: "reports", label: "reports" },
          { count: "dashboards", label: "dashboards" },
          { count: "datasets", label: "datasets" },
          { count: "dataflows", label: "dataflows" },
          { count: "workbooks", label: "workbooks" },
        ],
      },
      {
        title: "Access",
        description: "Users, groups and apps with a role on a workspace, once per workspace they are in.",
        series: [{ count: "users", label: "role assignments" }],
      },
    ],
  };
}
