import { graphAuthFailure, graphError } from "./graphAuth";
import { errorReply, type Reply, type SimRequest } from "./httpReply";
import { requestOrigin, type TenantContext } from "./tenantContext";

/** Graph `GET /v1.0/subscribedSkus`: every subscribed SKU in one page, with seats counted over the tenant's users. */
export function graphSubscribedSkusRoute(context: TenantContext, request: SimRequest): Reply {
  if (request.method !== "GET") {
    return errorReply(405, "Request_BadRequest", `${request.method} is not supported here.`);
  }
  const denied = graphAuthFailure(context, request);
  if (denied !== undefined) return denied;
  const unsupported = [...request.url.searchParams.keys()][0];
  if (unsupported !== undefined) {
    return graphError(
      400,
      "Request_UnsupportedQuery",
      `The simulated tenant does not support '${unsupported}' on subscribedSkus.`,
    );
  }
  const head = { "@odata.context": `${requestOrigin(context, request)}/v1.0/$metadata#subscribedSkus` };
  return { status: 200, page: { head, items: context.skus.list() } };
}
