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
 * Workspaces handed out per part of a page. A page of 5,000 workspaces with every expansion is tens of MB of JSON
 * and several times that as objects, so it is read item by item and handed out in parts: memory then holds the
 * page's bytes and one part, whatever `$top` is.
 */
export const WORKSPACES_PER_PART = 100;

/**
 * Lists workspaces with `$top`/`$skip` paging from `fromSkip`; paging ends on a short page. Pages carry
 * `@odata.count` as `total` when the service sends it: `$skip` paging is not stable, so only the caller, which
 * de-duplicates, can tell when it has every workspace and spare the empty last call. Every call counts against the
 * tenant's 50-per-hour budget. Each page comes in parts (`partial`) of WORKSPACES_PER_PART workspaces.
 */
export async function* listAdminGroups(
  client: UpstreamClient,
  query: AdminGroupsQuery,
  fromSkip = 0,
): AsyncGenerator<SourcePage<AdminGroup, number>> {
  let skip = fromSkip;
  for (;;) {
    const body = await client.getJsonItems(
      PATH,
      {
        $top: String(query.top),
        $skip: skip === 0 ? undefined : String(skip),
        $expand: query.expand.length === 0 ? undefined : query.expand.join(","),
        $filter: query.filter,
      },
      ["value"],
    );
    const counted = body.count("value");
    // The envelope is checked as the whole page was: `value` must have been an array.
    const envelope = counted === undefined ? body.envelope : { ...body.envelope, value: [] };
    const page = parseListPage(groupsPageSchema, envelope, { service: "powerbi", path: PATH, what: "workspace" });
    const read = counted ?? 0;
    let part: unknown[] = [];
    let taken = 0;
    for (const item of body.items("value")) {
      part.push(item);
      taken++;
      if (part.length === WORKSPACES_PER_PART && taken < read) {
        yield { ...validateItems(adminGroupSchema, part), next: undefined, partial: true };
        part = [];
      }
    }
    skip += read;
    const last = read < query.top;
    const total = page["@odata.count"];
    const rest = { next: last ? undefined : skip, ...(total === undefined ? {} : { total }) };
    yield { ...validateItems(adminGroupSchema, part), ...rest };
    if (last) return;
  }
}
