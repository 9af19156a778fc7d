import { randomUUID } from "node:crypto";
import { jsonReply, type Reply, type SimRequest } from "./httpReply";
import { TOKEN_EXCHANGE_APP_ID, TOKEN_EXCHANGE_AUDIENCE } from "./federatedCredentials";
import { managedIdentity } from "./managedIdentityEndpoint";
import { RESOURCES, tenantIssuer, type TenantContext } from "./tenantContext";

const API_VERSION = "2019-08-01";
// The identity also gets tokens for Entra's token exchange, to present as an app registration's federated credential.
const KNOWN_RESOURCES: readonly string[] = [...Object.values(RESOURCES), TOKEN_EXCHANGE_AUDIENCE];
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
  const identity = { tenantId: context.tenantId, appId: managedIdentity.clientId, objectId: managedIdentity.objectId };
  const issuedAt = Math.floor(Date.now() / 1000) - context.managedIdentityTokenAge.seconds;
  // A token for the exchange is what Entra issues it: v2.0, issuer `{authority}/{tenant}/v2.0`, subject the
  // identity's principal id, audience the exchange's app id.
  const { token, claims } =
    resource === TOKEN_EXCHANGE_AUDIENCE
      ? managedIdentity.tokens.issue(identity, TOKEN_EXCHANGE_APP_ID, context.tokenLifetimeSeconds, {
          issuer: tenantIssuer(context),
          issuedAt,
        })
      : managedIdentity.tokens.issue(identity, resource, context.tokenLifetimeSeconds, { issuedAt });
  context.calls.recordToken(token);
  return jsonReply(200, {
    access_token: token,
    expires_on: String(claims.exp),
    resource,
    token_type: "Bearer",
    client_id: managedIdentity.clientId,
  });
}
