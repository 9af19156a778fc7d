import { errorReply, type Reply, type SimRequest } from "./httpReply";
import { checkToken, requestOrigin, RESOURCES, type TenantContext } from "./tenantContext";

const unauthorized = {
  missing: ["PowerBINotAuthorizedException", "The request has no access token."],
  malformed: ["PowerBINotAuthorizedException", "The access token is malformed."],
  signature: ["PowerBINotAuthorizedException", "The access token signature is invalid."],
  audience: ["PowerBINotAuthorizedException", "The access token is not for the Power BI service."],
  expired: ["TokenExpired", "Access token has expired, resubmit with a new access token"],
} as const;

/** The 401 Power BI answers for a missing or bad bearer token, or undefined when the token is good for Power BI. */
export function powerBiAuthFailure(context: TenantContext, request: SimRequest): Reply | undefined {
  const check = checkToken(context, request, RESOURCES.powerBi);
  if (check.ok) return undefined;
  const [code, message] = unauthorized[check.reason];
  return errorReply(401, code, message, {
    "www-authenticate": `Bearer authorization_uri="${requestOrigin(context, request)}/common/oauth2/authorize", error="invalid_token"`,
  });
}
