import type { HttpRequest } from "@azure/functions";
import { z } from "zod";
import { json } from "../httpHandler";
import { operation, type Operation } from "../operation";
import { dashboardData, type DashboardKind } from "./dashboardData";
import { dashboardPage } from "./dashboardPage";
import { dashboardSchema } from "./dashboardSchema";
import { PAGE_CSP } from "./pageAssets";

/** The page shows runs in progress, so neither it nor its data is kept by a cache without asking. */
const NO_CACHE = "private, no-cache";

/** GET /dashboard (the page) and GET /dashboard/data (what it shows, as JSON), for the kinds given. */
export function dashboardOperations(
  kinds: readonly DashboardKind[],
  now: () => Date = () => new Date(),
): { page: Operation; data: Operation } {
  const page = operation(
    {
      summary: "The dashboard: the tenant at a glance, as a web page",
      description:
        "For each kind: its counts over the retained succeeded snapshots as charts, what changed between the " +
        "latest two, its latest run, and links to its CSV exports. In Azure open it with `?code=<function key>`; " +
        "the page passes the key on to its links. It loads nothing from another origin.",
      tags: ["dashboard"],
      path: z.object({}),
      query: z.object({}),
      responses: [{ status: 200, description: "the page", media: { "text/html": "an HTML document" } }],
    },
    async (_input, request, api) => {
      const body = dashboardPage(await dashboardData(api, kinds, now()), routePrefix(request));
      return {
        status: 200,
        body,
        headers: {
          "Content-Type": "text/html; charset=utf-8",
          "Content-Security-Policy": PAGE_CSP,
          "X-Content-Type-Options": "nosniff",
          "Referrer-Policy": "no-referrer",
          "Cache-Control": NO_CACHE,
        },
      };
    },
  );
  const data = operation(
    {
      summary: "What the dashboard shows, as JSON",
      description:
        "One manifest query for every kind, and the latest diff summary of each (computed once per pair of " +
        "snapshots, then kept).",
      tags: ["dashboard"],
      path: z.object({}),
      query: z.object({}),
      responses: [{ status: 200, description: "the dashboard's data", schema: dashboardSchema }],
    },
    async (_input, _request, api) =>
      json((await dashboardData(api, kinds, now())) satisfies z.input<typeof dashboardSchema>, 200, {
        "Cache-Control": NO_CACHE,
      }),
  );
  return { page, data };
}

/** The API's route prefix as this request reached the page, `/api/`: the path up to its last segment. */
function routePrefix(request: HttpRequest): string {
  const path = new URL(request.url).pathname;
  return path.replace(/dashboard\/?$/i, "");
}
