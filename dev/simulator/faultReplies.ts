import { STATUS_CODES } from "node:http";
import type { AppliedFault } from "./faultInjector";
import { errorReply, jsonReply, type Reply } from "./httpReply";
import { entraError } from "./identityRoutes";
import { appServiceError } from "./managedIdentityRoute";
import { powerBiThrottled } from "./powerBiGroupsRoute";

// The codes each service really uses for these statuses, so the product's error mapping meets familiar values.
const graphCodes: Record<number, [string, string]> = {
  401: ["InvalidAuthenticationToken", "Access token validation failure."],
  403: ["Authorization_RequestDenied", "Insufficient privileges to complete the operation."],
  429: ["TooManyRequests", "Too many requests."],
  500: ["generalException", "An unexpected error occurred."],
  503: ["serviceNotAvailable", "The service is temporarily unavailable."],
};
const vaultCodes: Record<number, [string, string]> = {
  401: ["Unauthorized", "AKV10000: Request is missing a Bearer or PoP token."],
  403: [
    "Forbidden",
    "Caller is not authorized to perform action on resource.\r\nAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\nAssignment: (not found)\r\nDecisionReason: 'DeniedWithNoValidRBAC'",
  ],
  404: ["SecretNotFound", "A secret with (name/id) was not found in this key vault."],
  429: ["Throttled", "Request was not processed because too many requests were received."],
};

function codeFor(status: number): [string, string] {
  const text = STATUS_CODES[status] ?? "Error";
  return [text.replace(/[^A-Za-z]/g, ""), `Injected fault: ${status} ${text}.`];
}

/** The answer of a `status` fault: the given body, or the route's service error for that status. */
export function faultReply(fault: AppliedFault): Reply {
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
  if (fault.body !== undefined) return jsonReply(fault.status, fault.body, headers);
  const reply = defaultReply(fault);
  return { ...reply, headers: { ...reply.headers, ...headers } };
}

function defaultReply({ route, status, retryAfterSeconds }: AppliedFault): Reply {
  switch (route) {
    case "graph.users":
    case "graph.subscribedSkus": {
      const [code, message] = graphCodes[status] ?? codeFor(status);
      return errorReply(status, code, message);
    }
    case "powerbi.groups":
    case "powerbi.modified":
    case "powerbi.getInfo":
    case "powerbi.scanStatus":
    case "powerbi.scanResult":
      if (status === 429 && retryAfterSeconds !== undefined) return powerBiThrottled(retryAfterSeconds);
      return errorReply(status, ...codeFor(status));
    case "keyvault": {
      const [code, message] = vaultCodes[status] ?? codeFor(status);
      const reply = errorReply(status, code, message);
      return status === 403
        ? { ...reply, json: { error: { code, message, innererror: { code: "ForbiddenByRbac" } } } }
        : reply;
    }
    case "token":
    case "openid":
      if (status === 400) return entraError(status, "invalid_request", "AADSTS900144: Injected bad request.");
      if (status === 401) return entraError(status, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
      return entraError(
        status,
        "temporarily_unavailable",
        "AADSTS90033: A transient error has occurred. Please try again.",
      );
    case "msi":
      return appServiceError(status, codeFor(status)[1]);
    case "unknown":
      return errorReply(status, ...codeFor(status));
  }
}
