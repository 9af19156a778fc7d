import { z } from "zod";
import type { UpstreamClient } from "../../upstream/upstreamClient";
import { parseListPage, validateItems, type SourcePage } from "../sourcePage";

/** A Graph user as listed: `id` is all we rely on; every other property is kept as Graph sent it. */
export const graphUserSchema = z.looseObject({
  id: z.string().min(1),
  userPrincipalName: z.string().nullish(),
  displayName: z.string().nullish(),
  accountEnabled: z.boolean().nullish(),
  userType: z.string().nullish(),
  department: z.string().nullish(),
  // Read for each user's Power BI licence, so one that is not a list of assignments is an invalid user.
  assignedLicenses: z
    .array(z.looseObject({ skuId: z.string().min(1), disabledPlans: z.array(z.string()).nullish() }))
    .nullish(),
});
export type GraphUser = z.output<typeof graphUserSchema>;

const usersPageSchema = z.looseObject({
  value: z.array(z.unknown()),
  "@odata.nextLink": z.string().optional(),
});

/** Graph's maximum page size for users without signInActivity. */
export const GRAPH_USERS_PAGE_SIZE = 999;

/**
 * Lists users page by page, following `@odata.nextLink` until it is absent. `from` resumes at a next link saved
 * from an earlier page. Items are validated one by one, so one bad item does not hide a whole page.
 */
export async function* listGraphUsers(
  client: UpstreamClient,
  select: readonly string[],
  from?: string,
): AsyncGenerator<SourcePage<GraphUser, string>> {
  let link: string | undefined = from;
  let first = from === undefined;
  while (first || link !== undefined) {
    const body = first
      ? await client.getJson("/v1.0/users", { $select: select.join(","), $top: String(GRAPH_USERS_PAGE_SIZE) })
      : await client.getJson(link!);
    first = false;
    const page = parseListPage(usersPageSchema, body, { service: "graph", path: "/v1.0/users", what: "user" });
    const { items, invalid } = validateItems(graphUserSchema, page.value);
    link = page["@odata.nextLink"];
    yield { items, invalid, next: link };
  }
}
