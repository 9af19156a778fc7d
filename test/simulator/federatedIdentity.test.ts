import { ClientAssertionCredential, ManagedIdentityCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { randomUUID } from "node:crypto";
import type { FederatedCredential } from "../../dev/simulator/federatedCredentials";
import { CLIENT_SECRET_NAME, type SimulatedTenant } from "../../dev/simulator/simulatedTenant";
import {
  claimsOf,
  GRAPH,
  requestToken,
  restoreManagedIdentityEnvironment,
  startTenant,
  useManagedIdentityOf,
  VAULT,
} from "./simulatorClient";

const EXCHANGE = "api://AzureADTokenExchange";
const EXCHANGE_APP_ID = "fb60f99c-7a34-4190-8149-302f77469936";
const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

let tenant: SimulatedTenant;

beforeAll(async () => {
  tenant = await startTenant({ tokenLifetimeSeconds: 1800 });
  useManagedIdentityOf(tenant);
});
afterAll(async () => {
  restoreManagedIdentityEnvironment();
  await tenant.close();
});
afterEach(() => {
  tenant.setFederatedCredentials([]);
  tenant.setManagedIdentityTokenAge(0);
});

/** A token of the managed identity straight from the identity endpoint, without MSAL's cache. */
async function identityToken(resource: string): Promise<string> {
  const query = new URLSearchParams({
    "api-version": "2019-08-01",
    resource,
    client_id: tenant.managedIdentityClientId,
  });
  const response = await fetch(`${tenant.identityEndpoint}?${query.toString()}`, {
    headers: { "x-identity-header": tenant.identityHeader },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

function presenting(assertion: string): Record<string, string> {
  return {
    grant_type: "client_credentials",
    client_id: tenant.clientId,
    scope: `${GRAPH}/.default`,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertion,
  };
}

describe("the managed identity's token for Entra's token exchange", () => {
  it("is a v2.0 token issued by the tenant to the identity's principal, for the exchange's app id", async () => {
    const identity = new ManagedIdentityCredential({ clientId: tenant.managedIdentityClientId });
    const token = await identity.getToken(`${EXCHANGE}/.default`);
    expect(claimsOf(token.token)).toMatchObject({
      aud: EXCHANGE_APP_ID,
      iss: `${tenant.url}/${tenant.tenantId}/v2.0`,
      sub: tenant.managedIdentityPrincipalId,
      oid: tenant.managedIdentityPrincipalId,
      azp: tenant.managedIdentityClientId,
      tid: tenant.tenantId,
      ver: "2.0",
    });
    expect(tenant.calls.issuedTokens).toContain(token.token);
  });

  it("matches what managedIdentityFederatedCredential registers", () => {
    expect(tenant.managedIdentityFederatedCredential("x")).toEqual({
      name: "x",
      issuer: `${tenant.url}/${tenant.tenantId}/v2.0`,
      subject: tenant.managedIdentityPrincipalId,
      audiences: [EXCHANGE],
    });
  });
});

describe("the token endpoint with a federated assertion", () => {
  it("gives ClientAssertionCredential fed by ManagedIdentityCredential an app token once the app trusts the identity", async () => {
    tenant.setFederatedCredentials([tenant.managedIdentityFederatedCredential()]);
    const identity = new ManagedIdentityCredential({ clientId: tenant.managedIdentityClientId });
    const credential = new ClientAssertionCredential(
      tenant.tenantId,
      tenant.clientId,
      async () => (await identity.getToken(`${EXCHANGE}/.default`)).token,
      { authorityHost: tenant.url, disableInstanceDiscovery: true },
    );
    const token = await credential.getToken(`${GRAPH}/.default`);
    expect(claimsOf(token.token)).toMatchObject({ aud: GRAPH, appid: tenant.clientId, tid: tenant.tenantId });
  });

  it.each<[string, () => void, string, string]>([
    ["no federated credential", () => undefined, "AADSTS70021", "Assertion Subject: '{subject}'"],
    [
      "another issuer",
      () =>
        tenant.setFederatedCredentials([
          {
            ...tenant.managedIdentityFederatedCredential(),
            issuer: `https://login.microsoftonline.com/${tenant.tenantId}/v2.0`,
          },
        ]),
      "AADSTS700211",
      "presented assertion issuer '{issuer}'",
    ],
    [
      "another subject",
      () => tenant.setFederatedCredentials([{ ...tenant.managedIdentityFederatedCredential(), subject: randomUUID() }]),
      "AADSTS700213",
      "presented assertion subject '{subject}'",
    ],
    [
      "the subject in other case (matching is case-sensitive)",
      () =>
        tenant.setFederatedCredentials([
          { ...tenant.managedIdentityFederatedCredential(), subject: tenant.managedIdentityPrincipalId.toUpperCase() },
        ]),
      "AADSTS700213",
      "presented assertion subject '{subject}'",
    ],
    [
      "another audience",
      () =>
        tenant.setFederatedCredentials([
          { ...tenant.managedIdentityFederatedCredential(), audiences: ["api://AzureADTokenExchangeUSGov"] },
        ]),
      "AADSTS700212",
      `presented assertion audience '${EXCHANGE_APP_ID}'`,
    ],
    [
      "a stale token",
      () => {
        tenant.setFederatedCredentials([tenant.managedIdentityFederatedCredential()]);
        tenant.setManagedIdentityTokenAge(1800 + 600);
      },
      "AADSTS700024",
      "Client assertion is not within its valid time range",
    ],
  ])("refuses the identity's token with %s as Entra does", async (_case, arrange, code, quoted) => {
    arrange();
    const assertion = await identityToken(EXCHANGE);
    const answer = await requestToken(tenant, presenting(assertion));
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe("invalid_client");
    const description = String(answer.body.error_description);
    expect(description.startsWith(`${code}:`)).toBe(true);
    expect(answer.body.error_codes).toEqual([Number(code.slice("AADSTS".length))]);
    const issuer = `${tenant.url}/${tenant.tenantId}/v2.0`;
    expect(description).toContain(
      quoted.replace("{subject}", tenant.managedIdentityPrincipalId).replace("{issuer}", issuer),
    );
    expect(description).not.toContain(assertion);
  });

  it("refuses a token with a forged signature, and one for another resource", async () => {
    tenant.setFederatedCredentials([tenant.managedIdentityFederatedCredential()]);
    const [header, payload] = (await identityToken(EXCHANGE)).split(".");
    const forged = await requestToken(tenant, presenting(`${header}.${payload}.${"A".repeat(43)}`));
    expect(forged.body.error_description).toEqual(expect.stringMatching(/^AADSTS50013:/));
    // A vault token is a v1.0 token with another issuer: no credential names it.
    const vaultToken = await requestToken(tenant, presenting(await identityToken(VAULT)));
    expect(vaultToken.body.error_description).toEqual(expect.stringMatching(/^AADSTS700211:/));
    const accepted = await requestToken(tenant, presenting(await identityToken(EXCHANGE)));
    expect(accepted.status).toBe(200);
  });
});

describe("the app's federated credentials", () => {
  it.each<[string, (good: FederatedCredential) => FederatedCredential[]]>([
    ["two with one name", (good) => [good, { ...good, subject: randomUUID() }]],
    ["two with one issuer and subject", (good) => [good, { ...good, name: "other" }]],
    ["two audiences", (good) => [{ ...good, audiences: [EXCHANGE, "api://other"] }]],
    ["no audience", (good) => [{ ...good, audiences: [] }]],
  ])("are refused with %s, as Graph refuses them", (_case, list) => {
    const good = tenant.managedIdentityFederatedCredential();
    expect(() => tenant.setFederatedCredentials(list(good))).toThrow(RangeError);
  });

  it("useFederatedCredential trusts the identity, removes the client secret from the vault and selects the mode", async () => {
    const second = await startTenant();
    try {
      useManagedIdentityOf(second);
      const settings = second.useFederatedCredential();
      expect(settings).toEqual({ INVENTORY_CREDENTIAL: "federated", AZURE_CLIENT_ID: second.managedIdentityClientId });
      const vault = new SecretClient(second.url, new ManagedIdentityCredential(), {
        disableChallengeResourceVerification: true,
      });
      await expect(vault.getSecret(CLIENT_SECRET_NAME)).rejects.toMatchObject({ statusCode: 404 });
      const answer = await requestToken(second, {
        ...presenting(await identityToken(EXCHANGE)),
        client_id: second.clientId,
      });
      // The identity endpoint serves the latest tenant; its token names that tenant and is accepted there.
      expect(answer.status).toBe(200);
    } finally {
      await second.close();
      useManagedIdentityOf(tenant);
    }
  });
});
