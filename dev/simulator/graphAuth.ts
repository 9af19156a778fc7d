import { randomUUID } from "node:crypto";
import type { Reply, SimRequest } from "./httpReply";
import { checkToken, requestOrigin, RESOURCES, type TenantContext } from "./tenantContext";

/** Graph's error shape: `{"error":{"code","message","innerError":{"date","request-id"}}}`. */
export function graphError(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  const innerError = { date: new Date().toISOString().replace(/\.\d+Z$/, "Z"), "request-id": randomUUID() };
  return { status, json: { error: { code, message, innerError } }, ...(headers === undefined ? {} : { headers }) };
}

const unauthorized = {
  missing: "Access token is empty.",
  malformed: "IDX14100: JWT is not well formed, there are no dots (.).",
  signature: "Access token validation failure. Invalid signature.",
  audience: "Access token validation failure. Invalid audience.",
  expired: "Lifetime validation failed, the token is expired.",
} as const;

/** The 401 Graph answers for a missing or bad bearer token, or undefined when the token is good for Graph. */
export function graphAuthFailure(context: TenantContext, request: SimRequest): Reply | undefined {
  const check = checkToken(context, request, RESOURCES.graph);
  if (check.ok) return undefined;
  return graphError(401, "InvalidAuthenticationToken", unauthorized[check.reason], {
    "www-authenticate": `Bearer realm="", authorization_uri="${requestOrigin(context, request)}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
  });
}
