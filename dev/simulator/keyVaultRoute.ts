import { errorReply, jsonReply, type Reply, type SimRequest } from "./httpReply";
import { checkToken, requestOrigin, RESOURCES, type TenantContext } from "./tenantContext";

const NAME = /^[0-9a-zA-Z-]{1,127}$/;

function challenge(context: TenantContext, request: SimRequest): Record<string, string> {
  return {
    "www-authenticate": `Bearer authorization="${requestOrigin(context, request)}/${context.tenantId}", resource="${RESOURCES.vault}"`,
  };
}

const unauthorizedMessages = {
  missing: "AKV10000: Request is missing a Bearer or PoP token.",
  malformed: "AKV10020: Invalid token: the token is malformed.",
  signature: "AKV10032: Invalid issuer or signature.",
  audience: `AKV10022: Invalid audience. Expected ${RESOURCES.vault}.`,
  expired: "AKV10021: Token has expired.",
} as const;

/** Key Vault `GET /secrets/{name}[/{version}]`, behind the bearer challenge the SDK answers on its first request. */
export function keyVaultRoute(context: TenantContext, request: SimRequest): Reply {
  if (request.url.searchParams.get("api-version") === null) {
    return errorReply(400, "BadParameter", "The request URI contains an invalid or missing api-version.");
  }
  const check = checkToken(context, request, RESOURCES.vault);
  if (!check.ok)
    return errorReply(401, "Unauthorized", unauthorizedMessages[check.reason], challenge(context, request));
  if (request.method !== "GET") {
    return errorReply(
      405,
      "BadParameter",
      `The simulated vault only reads secrets; ${request.method} is not supported.`,
    );
  }
  const [, , name = "", version, ...rest] = request.url.pathname.split("/");
  if (rest.some((part) => part !== "") || !NAME.test(name)) {
    return errorReply(400, "BadParameter", "The simulated vault only serves GET /secrets/{name}[/{version}].");
  }
  const secret = context.vault.get(name, version === "" ? undefined : version);
  if (secret === undefined) {
    return errorReply(
      404,
      "SecretNotFound",
      `A secret with (name/id) ${name}${version ? `/${version}` : ""} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
    );
  }
  return jsonReply(200, {
    value: secret.value,
    ...(secret.contentType === undefined ? {} : { contentType: secret.contentType }),
    id: `${requestOrigin(context, request)}/secrets/${name}/${secret.version}`,
    attributes: {
      enabled: true,
      created: secret.created,
      updated: secret.created,
      recoveryLevel: "Recoverable+Purgeable",
      recoverableDays: 90,
    },
    tags: {},
  });
}
