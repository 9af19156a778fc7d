import { z } from "zod";
import type { UpstreamClient } from "../../upstream/upstreamClient";
import { UpstreamError } from "../../upstream/upstreamError";
import { parseListPage, validateItems, type SourcePage } from "../sourcePage";

/**
 * A subscribed SKU as Graph lists it: the SKU and its service plans are all we rely on; every other property
 * (`capabilityStatus`, `consumedUnits`, `prepaidUnits`, ...) is kept as Graph sent it.
 */
export const subscribedSkuSchema = z.looseObject({
  skuId: z.string().min(1),
  skuPartNumber: z.string().nullish(),
  servicePlans: z.array(z.looseObject({ servicePlanId: z.string().min(1) })).nullish(),
});
export type SubscribedSku = z.output<typeof subscribedSkuSchema>;

const skusPageSchema = z.looseObject({
  value: z.array(z.unknown()),
  "@odata.nextLink": z.string().optional(),
});

const PATH = "/v1.0/subscribedSkus";

/** The Graph application permissions that read subscribed SKUs (API-FACTS.md), as an admin grants them. */
export const SKU_PERMISSIONS = "Organization.Read.All (or LicenseAssignment.Read.All)";

/**
 * Lists the tenant's subscribed SKUs: one call, which Graph answers whole; a next link, should Graph send one, is
 * followed. A 403 says which permission the app registration lacks.
 */
export async function* listSubscribedSkus(client: UpstreamClient): AsyncGenerator<SourcePage<SubscribedSku, string>> {
  let link: string | undefined = PATH;
  while (link !== undefined) {
    const body = await permitted(client, link);
    const page = parseListPage(skusPageSchema, body, { service: "graph", path: PATH, what: "subscribed SKU" });
    const { items, invalid } = validateItems(subscribedSkuSchema, page.value);
    link = page["@odata.nextLink"];
    yield { items, invalid, next: link };
  }
}

async function permitted(client: UpstreamClient, link: string): Promise<unknown> {
  try {
    return await client.getJson(link);
  } catch (error) {
    if (!(error instanceof UpstreamError) || error.status !== 403) throw error;
    const said = /[.!]$/.test(error.detail) ? error.detail : `${error.detail}.`;
    throw new UpstreamError({
      service: error.service,
      status: error.status,
      serviceCode: error.serviceCode,
      requestId: error.requestId,
      path: error.path,
      detail:
        `${said} Reading the subscribed SKUs needs the Microsoft Graph application permission ` +
        `${SKU_PERMISSIONS}, with admin consent`,
    });
  }
}
