import type { TokenCredential } from "@azure/core-auth";
import { ClientCertificateCredential, ClientSecretCredential, DefaultAzureCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { isLoopbackUrl, type TenantConfig } from "../config/config";
import { federatedAppCredential } from "./federatedCredential";

/** Reading the app registration's credential from Key Vault failed; the message names the vault and secret. */
export class AppCredentialError extends Error {
  override readonly name = "AppCredentialError";
}

const cache = new Map<string, Promise<TokenCredential>>();

/**
 * The app registration's credential for Graph and Power BI (INVENTORY_CREDENTIAL): the Function's managed identity as
 * its federated credential, or its client secret or PEM certificate read from Key Vault once per process with the
 * Function's identity.
 */
export function getAppCredential(tenant: TenantConfig, vaultCredential?: TokenCredential): Promise<TokenCredential> {
  const key = JSON.stringify(tenant);
  let credential = cache.get(key);
  if (credential === undefined) {
    const built: Promise<TokenCredential> = buildAppCredential(
      tenant,
      () => vaultCredential ?? new DefaultAzureCredential(),
    ).then((inner) => forgetWhenRefused(inner, () => cache.get(key) === built && cache.delete(key)));
    // A failed read is not cached: the next run may find the secret in place.
    built.catch(() => cache.delete(key));
    cache.set(key, built);
    credential = built;
  }
  return credential;
}

/**
 * Entra refusing the credential itself (a secret rotated or expired in the vault, a federated credential not yet
 * right) drops it from the cache, so the next run starts afresh instead of failing until the process restarts.
 */
function forgetWhenRefused(inner: TokenCredential, forget: () => void): TokenCredential {
  return {
    async getToken(scopes, options) {
      try {
        return await inner.getToken(scopes, options);
      } catch (error) {
        if (isRefusedCredential(error)) forget();
        throw error;
      }
    },
  };
}

/** OAuth's codes for a client whose secret or certificate the token endpoint does not accept (AADSTS7000215 etc.). */
function isRefusedCredential(error: unknown): boolean {
  return error instanceof Error && /\b(invalid_client|unauthorized_client)\b/.test(error.message);
}

async function buildAppCredential(
  tenant: TenantConfig,
  vaultCredential: () => TokenCredential,
): Promise<TokenCredential> {
  const local = isLoopbackUrl(tenant.authorityHost);
  // Instance discovery asks login.microsoftonline.com about the authority; a local fake is not known there.
  const options = { authorityHost: tenant.authorityHost, disableInstanceDiscovery: local };
  if (tenant.credential === "federated") return federatedAppCredential(tenant, options);
  if (tenant.credential === "certificate" && tenant.clientCertificateName !== undefined) {
    const pem = await readSecret(
      tenant,
      vaultCredential(),
      tenant.clientCertificateName,
      "INVENTORY_CLIENT_CERTIFICATE_NAME",
    );
    return new ClientCertificateCredential(tenant.tenantId, tenant.clientId, { certificate: pem }, options);
  }
  const secret = await readSecret(tenant, vaultCredential(), tenant.clientSecretName, "INVENTORY_CLIENT_SECRET_NAME");
  return new ClientSecretCredential(tenant.tenantId, tenant.clientId, secret, options);
}

async function readSecret(
  tenant: TenantConfig,
  vaultCredential: TokenCredential,
  name: string,
  setting: string,
): Promise<string> {
  const vaultUrl = tenant.keyVaultUrl;
  // loadConfig requires the vault for every credential that reads one.
  if (vaultUrl === undefined) throw new AppCredentialError(`KEY_VAULT_URL: required to read secret "${name}"`);
  const client = new SecretClient(vaultUrl, vaultCredential, {
    // The vault's challenge names vault.azure.net, which a loopback fake's host can never end with.
    disableChallengeResourceVerification: isLoopbackUrl(vaultUrl),
  });
  let value: string | undefined;
  try {
    value = (await client.getSecret(name)).value;
  } catch (error) {
    throw new AppCredentialError(`Cannot read secret "${name}" (${setting}) from ${vaultUrl}: ${describe(error)}`);
  }
  if (value === undefined || value === "") {
    throw new AppCredentialError(`Secret "${name}" (${setting}) in ${vaultUrl} is empty`);
  }
  return value;
}

/** Status and service code only: SDK messages may echo request details we do not want in logs. */
function describe(error: unknown): string {
  if (error instanceof Error) {
    const { statusCode, code } = error as Error & { statusCode?: number; code?: string };
    if (statusCode !== undefined) return `HTTP ${statusCode}${code === undefined ? "" : ` ${code}`}`;
    return `${error.name}: ${error.message.split("\n")[0]}`;
  }
  return String(error);
}
