import type { TokenCredential } from "@azure/core-auth";
import { ClientAssertionCredential, ManagedIdentityCredential } from "@azure/identity";
import type { TenantConfig } from "../config/config";

/** Entra refused the managed identity's token as the app's federated credential; the message says what to fix. */
export class FederatedCredentialError extends Error {
  override readonly name = "FederatedCredentialError";
}

/**
 * The audience of the managed identity's token that Entra's token exchange accepts, per cloud (Learn: "Configure an
 * application to trust a managed identity"). Any other authority, a local fake included, is the public cloud's.
 */
export function tokenExchangeAudience(authorityHost: string): string {
  const host = new URL(authorityHost).hostname.toLowerCase();
  if (host === "login.microsoftonline.us") return "api://AzureADTokenExchangeUSGov";
  if (host === "login.chinacloudapi.cn" || host === "login.partner.microsoftonline.cn") {
    return "api://AzureADTokenExchangeChina";
  }
  return "api://AzureADTokenExchange";
}

/** The issuer of the managed identity's tokens, which the app registration's federated credential must name. */
export function federatedIssuer(tenant: TenantConfig): string {
  return `${tenant.authorityHost}/${tenant.tenantId}/v2.0`;
}

/**
 * The app registration's credential without a secret: the Function's managed identity gets a token for Entra's token
 * exchange, and the app presents it as its client assertion (the identity is the app's federated credential).
 */
export function federatedAppCredential(
  tenant: TenantConfig,
  options: { authorityHost: string; disableInstanceDiscovery: boolean },
): TokenCredential {
  const audience = tokenExchangeAudience(tenant.authorityHost);
  const identity = new ManagedIdentityCredential(
    tenant.managedIdentityClientId === undefined ? {} : { clientId: tenant.managedIdentityClientId },
  );
  const scope = `${audience}/.default`;
  // MSAL asks for the assertion whenever it needs a new token for the app, and the identity caches its own token.
  const assertion = new ClientAssertionCredential(
    tenant.tenantId,
    tenant.clientId,
    async () => (await identity.getToken(scope)).token,
    options,
  );
  return {
    async getToken(scopes, getTokenOptions) {
      try {
        return await assertion.getToken(scopes, getTokenOptions);
      } catch (error) {
        const refusal = explained(error, tenant, audience);
        if (refusal !== undefined) throw refusal;
        // MSAL reports a failed assertion callback as a generic error; asking the identity again tells whether it was
        // the identity (usually AZURE_CLIENT_ID naming one the Function does not have).
        await identity.getToken(scope).catch((identityError: unknown) => {
          throw new FederatedCredentialError(
            `Cannot get a token for ${audience} from ${identityName(tenant)} (is it assigned to the Function App?): ${firstLine(identityError)}`,
            { cause: identityError },
          );
        });
        throw error;
      }
    },
  };
}

function identityName(tenant: TenantConfig): string {
  return tenant.managedIdentityClientId === undefined
    ? "the Function's system-assigned managed identity"
    : `the managed identity AZURE_CLIENT_ID=${tenant.managedIdentityClientId}`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}

/** What Entra's description quotes of the presented assertion, e.g. `presented assertion subject '…'`. */
function presented(description: string, claim: "Issuer" | "Subject"): string | undefined {
  const match = new RegExp(`presented assertion ${claim.toLowerCase()} '([^']*)'|Assertion ${claim}: '([^']*)'`).exec(
    description,
  );
  return match?.[1] ?? match?.[2];
}

/**
 * What to change, by the AADSTS code Entra answers a federated assertion it does not accept with. The issuer and
 * subject Entra quotes are the identity's own, so they are what the credential must name.
 */
function remedy(code: string, description: string, tenant: TenantConfig, audience: string): string | undefined {
  const identity = identityName(tenant);
  const issuer = presented(description, "Issuer") ?? federatedIssuer(tenant);
  const subject = presented(description, "Subject");
  const principal = `the principal (object) id of ${identity}`;
  switch (code) {
    case "70021":
      return `the app registration has no federated credential for ${identity}: create one with issuer ${issuer}, subject ${subject ?? principal} and audience ${audience} (az ad app federated-credential create)`;
    case "700211":
      return `set the federated credential's issuer to ${issuer}`;
    case "700213":
      return `set the federated credential's subject to ${subject === undefined ? principal : `${subject}, ${principal}`}`;
    case "700212":
      return `set the federated credential's audience to ${audience}`;
    case "700024":
      return `the token of ${identity} had expired when Entra checked it: check the host's clock; the next run asks for a new one`;
    default:
      return undefined;
  }
}

/** The refusal with what to fix in front of Entra's own first line, or undefined for errors of another kind. */
function explained(error: unknown, tenant: TenantConfig, audience: string): FederatedCredentialError | undefined {
  if (!(error instanceof Error)) return undefined;
  const entra = /AADSTS(\d+):[^\r\n]*/.exec(error.message);
  const fix = entra === null ? undefined : remedy(entra[1] ?? "", entra[0], tenant, audience);
  if (entra === null || fix === undefined) return undefined;
  // Entra's description quotes the presented issuer, subject and audience, never the token itself.
  const said = entra[0].replace(/\s+Trace ID:.*$/, "");
  return new FederatedCredentialError(
    `Entra refused the federated credential of app registration ${tenant.clientId} (invalid_client): ${fix}. Entra said: ${said}`,
    { cause: error },
  );
}
