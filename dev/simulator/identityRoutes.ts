import { randomUUID, timingSafeEqual } from "node:crypto";
import { checkClientAssertion } from "./clientAssertion";
import { checkFederatedAssertion, isFederatedAssertion } from "./federatedCredentials";
import { jsonReply, type Reply, type SimRequest } from "./httpReply";
import { managedIdentity } from "./managedIdentityEndpoint";
import { requestOrigin, RESOURCES, type TenantContext } from "./tenantContext";

const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const KNOWN_RESOURCES: readonly string[] = Object.values(RESOURCES);

/** An Entra error body: `error`, an AADSTS description with trace and correlation ids, and its numeric code. */
export function entraError(status: number, error: string, description: string): Reply {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
  const code = Number(/^AADSTS(\d+)/.exec(description)?.[1] ?? 0);
  return jsonReply(status, {
    error,
    error_description: `${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}

function tenantSegment(request: SimRequest): string {
  return decodeURIComponent(request.url.pathname.split("/")[1] ?? "");
}

function unknownTenant(request: SimRequest): Reply {
  return entraError(
    400,
    "invalid_tenant",
    `AADSTS90002: Tenant '${tenantSegment(request)}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
  );
}

function isThisTenant(context: TenantContext, request: SimRequest): boolean {
  return tenantSegment(request).toLowerCase() === context.tenantId.toLowerCase();
}

/** OIDC discovery and the (empty) signing keys: what MSAL reads before its first token request. */
export function openIdRoute(context: TenantContext, request: SimRequest): Reply {
  if (request.method !== "GET")
    return entraError(405, "invalid_request", "AADSTS900561: The endpoint only accepts GET requests.");
  if (!isThisTenant(context, request)) return unknownTenant(request);
  const base = `${requestOrigin(context, request)}/${context.tenantId}`;
  // Our access tokens are HS256 with a private key, so there is no public key to publish.
  if (request.url.pathname.endsWith("/keys")) return jsonReply(200, { keys: [] });
  return jsonReply(200, {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${requestOrigin(context, request)}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "tid", "oid"],
    tenant_region_scope: "EU",
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: "graph.microsoft.com",
  });
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function missing(parameter: string): Reply {
  return entraError(
    400,
    "invalid_request",
    `AADSTS900144: The request body must contain the following parameter: '${parameter}'.`,
  );
}

/**
 * The v2.0 token endpoint for the client-credentials grant, with a client secret, a certificate assertion, or a
 * federated one (the managed identity's token, when a federated credential of the app trusts it).
 */
export function tokenRoute(context: TenantContext, request: SimRequest): Reply {
  if (request.method !== "POST")
    return entraError(400, "invalid_request", "AADSTS900561: The endpoint only accepts POST requests.");
  if (!isThisTenant(context, request)) return unknownTenant(request);
  if (!(request.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded"))
    return missing("grant_type");
  const form = new URLSearchParams(request.body);
  const grantType = form.get("grant_type");
  const clientId = form.get("client_id");
  const scope = form.get("scope");
  if (grantType === null) return missing("grant_type");
  if (grantType !== "client_credentials") {
    return entraError(
      400,
      "unsupported_grant_type",
      `AADSTS70003: The app requested an unsupported grant type '${grantType}'.`,
    );
  }
  if (clientId === null) return missing("client_id");
  if (clientId.toLowerCase() !== context.clientId.toLowerCase()) {
    return entraError(
      400,
      "unauthorized_client",
      `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${context.tenantId}'.`,
    );
  }
  if (scope === null) return missing("scope");
  const scopes = scope.split(" ").filter((part) => part !== "");
  const only = scopes.length === 1 ? scopes[0] : undefined;
  if (only === undefined || !only.endsWith("/.default")) {
    return entraError(
      400,
      "invalid_scope",
      `AADSTS1002012: The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const resource = only.slice(0, -"/.default".length).replace(/\/$/, "");
  if (!KNOWN_RESOURCES.includes(resource)) {
    return entraError(
      400,
      "invalid_resource",
      `AADSTS500011: The resource principal named ${resource} was not found in the tenant named ${context.tenantId}.`,
    );
  }
  const refused = checkCredential(context, request, form);
  if (refused !== undefined) return refused;
  const { token } = context.appTokens.issue(
    { tenantId: context.tenantId, appId: context.clientId, objectId: context.servicePrincipalId },
    resource,
    context.tokenLifetimeSeconds,
  );
  context.calls.recordToken(token);
  return jsonReply(
    200,
    {
      token_type: "Bearer",
      expires_in: context.tokenLifetimeSeconds,
      ext_expires_in: context.tokenLifetimeSeconds,
      access_token: token,
    },
    { "cache-control": "no-store, no-cache", pragma: "no-cache" },
  );
}

function checkCredential(context: TenantContext, request: SimRequest, form: URLSearchParams): Reply | undefined {
  const assertion = form.get("client_assertion");
  const secret = form.get("client_secret");
  if (assertion !== null) {
    if (form.get("client_assertion_type") !== ASSERTION_TYPE) return missing("client_assertion_type");
    const tokenEndpoint = `${requestOrigin(context, request)}${request.url.pathname}`;
    const problem = isFederatedAssertion(assertion, context.clientId)
      ? checkFederatedAssertion(assertion, context.federatedCredentials.all(), managedIdentity.tokens)
      : checkClientAssertion(assertion, context.certificate, { clientId: context.clientId, tokenEndpoint });
    return problem === undefined ? undefined : entraError(401, "invalid_client", problem);
  }
  if (secret === null) {
    return entraError(
      401,
      "invalid_client",
      "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  if (!sameSecret(secret, context.clientSecret)) {
    return entraError(
      401,
      "invalid_client",
      `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${context.clientId}'.`,
    );
  }
  return undefined;
}
