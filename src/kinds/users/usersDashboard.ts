import type { DashboardDeclaration } from "../../api/dashboard/dashboardDeclaration";

/** The users kind's charts. */
export const usersDashboard: DashboardDeclaration = {
  charts: [{ title: "Users", series: [{ count: "users", label: "users" }] }],
};
