import { z } from "zod";
import type { UpstreamClient } from "../../upstream/upstreamClient";
import { parseListPage, validateItems, type SourcePage } from "../sourcePage";

/** Artifact arrays Power BI's admin/groups `$expand` can add to a workspace. */
export const WORKSPACE_ARTIFACTS = ["users", "reports", "dashboards", "datasets", "dataflows", "workbooks"] as const;
export type WorkspaceArtifact = (typeof WORKSPACE_ARTIFACTS)[number];

/** How workspaces are listed: Power BI's admin/groups parameters. */
export interface AdminGroupsQuery {
  /** Page size, 1..5000; required by the service. */
  top: number;
  expand: readonly WorkspaceArtifact[];
  filter: string | undefined;
}

const artifact = (key: string) => z.looseObject({ [key]: z.string().min(1) });

/**
 * An AdminGroup as Power BI sends it. Upstream names and casing are kept (dashboards have `displayName`, dataflows
 * `objectId`, datasets `ContentProviderType`); `users` may be missing, as the docs warn it will be.
 */
export const adminGroupSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().nullish(),
  type: z.string().nullish(),
  state: z.string().nullish(),
  isOnDedicatedCapacity: z.boolean().nullish(),
  capacityId: z.string().nullish(),
  users: z.array(z.looseObject({ groupUserAccessRight: z.string().nullish() })).optional(),
  reports: z.array(artifact("id")).optional(),
  dashboards: z.array(artifact("id")).optional(),
  datasets: z.array(artifact("id")).optional(),
  dataflows: z.array(artifact("objectId")).optional(),
  workbooks: z.array(z.looseObject({ name: z.string().nullish() })).optional(),
});
export type AdminGroup = z.output<typeof adminGroupSchema>;

const groupsPageSchema = z.looseObject({ value: z.array(z.unknown()), "@odata.count": z.number().int().optional() });

const PATH = "/v1.0/myorg/admin/groups";

/**
 * Lists workspaces with `$top`/`$skip` paging from `fromSkip`; paging ends on a short page. Pages carry
 * `@odata.count` as `total` when the service sends it: `$skip` paging is not stable, so only the caller, which
 * de-duplicates, can tell when it has every workspace and spare the empty last call. Every call counts against the
 * tenant's 50-per-hour budget.
 */
export async function* listAdminGroups(
  client: UpstreamClient,
  query: AdminGroupsQuery,
  fromSkip = 0,
): AsyncGenerator<SourcePage<AdminGroup, number>> {
  let skip = fromSkip;
  for (;;) {
    const body = await client.getJson(PATH, {
      $top: String(query.top),
      $skip: skip === 0 ? undefined : String(skip),
      $expand: query.expand.length === 0 ? undefined : query.expand.join(","),
      $filter: query.filter,
    });
    const page = parseListPage(groupsPageSchema, body, { service: "powerbi", path: PATH, what: "workspace" });
    const { items, invalid } = validateItems(adminGroupSchema, page.value);
    const read = page.value.length;
    skip += read;
    const last = read < query.top;
    const total = page["@odata.count"];
    yield { items, invalid, next: last ? undefined : skip, ...(total === undefined ? {} : { total }) };
    if (last) return;
  }
}
