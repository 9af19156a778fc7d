import { randomUUID } from "node:crypto";
import { jsonReply, type Reply, type SimRequest } from "./httpReply";
import { managedIdentity } from "./managedIdentityEndpoint";
import { RESOURCES, type TenantContext } from "./tenantContext";

const API_VERSION = "2019-08-01";
const KNOWN_RESOURCES: readonly string[] = Object.values(RESOURCES);
// MSAL adds these for user-assigned identities, token revocation and client capabilities (CAE).
const IDENTITY_PARAMETERS = ["client_id", "object_id", "mi_res_id"];
const OPTIONAL_PARAMETERS = ["token_sha256_to_refresh", "xms_cc"];

/** The App Service error shape, which MSAL reads through `message`. */
export function appServiceError(status: number, message: string): Reply {
  return jsonReply(status, { statusCode: status, message, correlationId: randomUUID() });
}

/** The App Service managed-identity endpoint (`IDENTITY_ENDPOINT`, api-version 2019-08-01). */
export function managedIdentityRoute(context: TenantContext, request: SimRequest): Reply {
  if (request.url.pathname !== "/msi/token") return appServiceError(404, `No route for ${request.url.pathname}`);
  if (request.method !== "GET") return appServiceError(405, "Only GET is supported");
  if (request.headers["x-identity-header"] !== managedIdentity.header) {
    return appServiceError(401, "The X-IDENTITY-HEADER request header is missing or wrong.");
  }
  const query = request.url.searchParams;
  const unknown = [...query.keys()].filter(
    (key) => !["api-version", "resource", ...IDENTITY_PARAMETERS, ...OPTIONAL_PARAMETERS].includes(key),
  );
  if (unknown.length > 0) return appServiceError(400, `Unknown query parameters: ${unknown.join(", ")}`);
  if (query.get("api-version") !== API_VERSION) return appServiceError(400, `api-version must be ${API_VERSION}`);
  const resource = (query.get("resource") ?? "").replace(/\/$/, "");
  if (!KNOWN_RESOURCES.includes(resource)) {
    return jsonReply(400, {
      error: "invalid_resource",
      error_description: `AADSTS500011: The resource principal named ${resource} was not found in the tenant named ${context.tenantId}.`,
    });
  }
  const asked = IDENTITY_PARAMETERS.map((key) => query.get(key)).filter((value) => value !== null);
  if (asked.some((value) => value !== managedIdentity.clientId && value !== managedIdentity.objectId)) {
    return appServiceError(400, "Unable to load the proper Managed Identity.");
  }
  const { token, claims } = managedIdentity.tokens.issue(
    { tenantId: context.tenantId, appId: managedIdentity.clientId, objectId: managedIdentity.objectId },
    resource,
    context.tokenLifetimeSeconds,
  );
  context.calls.recordToken(token);
  return jsonReply(200, {
    access_token: token,
    expires_on: String(claims.exp),
    resource,
    token_type: "Bearer",
    client_id: managedIdentity.clientId,
  });
}
