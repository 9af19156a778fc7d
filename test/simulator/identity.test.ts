import { ClientCertificateCredential, ClientSecretCredential, DefaultAzureCredential } from "@azure/identity";
import type { SimulatedTenant } from "../../dev/simulator/simulatedTenant";
import { createClientCertificatePem } from "../../dev/simulator/tls";
import {
  claimsOf,
  GRAPH,
  POWER_BI,
  requestToken,
  startTenant,
  VAULT,
  restoreManagedIdentityEnvironment,
  useManagedIdentityOf,
} from "./simulatorClient";

let tenant: SimulatedTenant;
let certificatePem: string;

beforeAll(async () => {
  certificatePem = await createClientCertificatePem();
  tenant = await startTenant({ clientCertificatePem: certificatePem, tokenLifetimeSeconds: 1800 });
});
afterAll(() => tenant.close());

function secretCredential(secret = tenant.clientSecret, tenantId = tenant.tenantId): ClientSecretCredential {
  return new ClientSecretCredential(tenantId, tenant.clientId, secret, {
    authorityHost: tenant.url,
    disableInstanceDiscovery: true,
  });
}

describe("token endpoint with the real MSAL", () => {
  it.each([GRAPH, POWER_BI, VAULT])("issues a token for %s with the client secret", async (resource) => {
    const token = await secretCredential().getToken(`${resource}/.default`);
    const claims = claimsOf(token.token);
    expect(claims).toMatchObject({ aud: resource, tid: tenant.tenantId, appid: tenant.clientId, idtyp: "app" });
    expect(typeof claims.jti).toBe("string");
    expect(Number(claims.exp) - Number(claims.iat)).toBe(1800);
    expect(tenant.calls.issuedTokens).toContain(token.token);
  });

  it("reads OIDC discovery once and then only posts to the token endpoint", async () => {
    tenant.calls.reset();
    const credential = secretCredential();
    await credential.getToken(`${GRAPH}/.default`);
    await credential.getToken(`${POWER_BI}/.default`);
    expect(tenant.calls.count("openid", 200)).toBe(1);
    expect(tenant.calls.count("token", 200)).toBe(2);
    expect(tenant.calls.count("unknown")).toBe(0);
  });

  it("refuses a wrong secret with AADSTS7000215", async () => {
    await expect(secretCredential("not-the-secret").getToken(`${GRAPH}/.default`)).rejects.toThrow(/AADSTS7000215/);
  });

  it("fails discovery for an unknown tenant, as Entra answers it with 400 invalid_tenant", async () => {
    const other = "00000000-0000-4000-8000-000000000000";
    tenant.calls.reset();
    await expect(secretCredential(tenant.clientSecret, other).getToken(`${GRAPH}/.default`)).rejects.toThrow(
      /endpoints_resolution_error/,
    );
    expect(tenant.calls.count("openid", 400)).toBeGreaterThanOrEqual(1);
    expect(tenant.calls.count("token")).toBe(0);
    const answer = await requestToken(tenant, { grant_type: "client_credentials" }, other);
    expect(answer).toMatchObject({ status: 400, body: { error: "invalid_tenant", error_codes: [90002] } });
  });

  it("accepts a client assertion signed by the registered certificate (ClientCertificateCredential)", async () => {
    const credential = new ClientCertificateCredential(
      tenant.tenantId,
      tenant.clientId,
      { certificate: certificatePem },
      { authorityHost: tenant.url, disableInstanceDiscovery: true },
    );
    const token = await credential.getToken(`${POWER_BI}/.default`);
    expect(claimsOf(token.token)).toMatchObject({ aud: POWER_BI, appid: tenant.clientId });
  });

  it("refuses a certificate that is not registered", async () => {
    const credential = new ClientCertificateCredential(
      tenant.tenantId,
      tenant.clientId,
      { certificate: await createClientCertificatePem("someone else") },
      { authorityHost: tenant.url, disableInstanceDiscovery: true },
    );
    await expect(credential.getToken(`${GRAPH}/.default`)).rejects.toThrow(/AADSTS700027/);
  });
});

describe("token endpoint request validation", () => {
  const good = (): Record<string, string> => ({
    grant_type: "client_credentials",
    client_id: tenant.clientId,
    client_secret: tenant.clientSecret,
    scope: `${GRAPH}/.default`,
  });

  it.each<[string, (form: Record<string, string>) => Record<string, string>, number, string, string]>([
    ["no grant_type -> 400", ({ grant_type: _, ...rest }) => rest, 400, "invalid_request", "AADSTS900144"],
    [
      "another grant -> 400",
      (form) => ({ ...form, grant_type: "password" }),
      400,
      "unsupported_grant_type",
      "AADSTS70003",
    ],
    [
      "unknown client -> 400",
      (form) => ({ ...form, client_id: "11111111-1111-4111-8111-111111111111" }),
      400,
      "unauthorized_client",
      "AADSTS700016",
    ],
    [
      "scope without /.default -> 400",
      (form) => ({ ...form, scope: `${GRAPH}/User.Read.All` }),
      400,
      "invalid_scope",
      "AADSTS1002012",
    ],
    [
      "two scopes -> 400",
      (form) => ({ ...form, scope: `${GRAPH}/.default ${VAULT}/.default` }),
      400,
      "invalid_scope",
      "AADSTS1002012",
    ],
    [
      "unknown resource -> 400",
      (form) => ({ ...form, scope: "https://example.com/.default" }),
      400,
      "invalid_resource",
      "AADSTS500011",
    ],
    ["no credential -> 401", ({ client_secret: _, ...rest }) => rest, 401, "invalid_client", "AADSTS7000218"],
    [
      "wrong secret -> 401",
      (form) => ({ ...form, client_secret: `${tenant.clientSecret}x` }),
      401,
      "invalid_client",
      "AADSTS7000215",
    ],
    [
      "forged assertion -> 401",
      (form) => ({
        ...form,
        client_assertion: "a.b.c",
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      }),
      401,
      "invalid_client",
      "AADSTS",
    ],
  ])("%s", async (_name, change, status, error, code) => {
    const answer = await requestToken(tenant, change(good()));
    expect(answer.status).toBe(status);
    expect(answer.body.error).toBe(error);
    expect(answer.body.error_description).toEqual(expect.stringContaining(code));
    expect(answer.body.error_codes).toEqual([expect.any(Number)]);
  });

  it("answers a good request with a bearer token and its lifetime", async () => {
    const answer = await requestToken(tenant, good());
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: "Bearer", expires_in: 1800 });
  });

  it("serves discovery metadata that names this origin and tenant", async () => {
    const response = await fetch(`${tenant.url}/${tenant.tenantId}/v2.0/.well-known/openid-configuration`);
    const metadata = (await response.json()) as Record<string, string>;
    expect(metadata.token_endpoint).toBe(`${tenant.url}/${tenant.tenantId}/oauth2/v2.0/token`);
    expect(metadata.issuer).toBe(`${tenant.url}/${tenant.tenantId}/v2.0`);
    expect(metadata.authorization_endpoint).toBe(`${tenant.url}/${tenant.tenantId}/oauth2/v2.0/authorize`);
    expect(metadata.jwks_uri).toBe(`${tenant.url}/${tenant.tenantId}/discovery/v2.0/keys`);
  });
});

describe("App Service managed identity endpoint", () => {
  afterAll(restoreManagedIdentityEnvironment);

  it("gives DefaultAzureCredential a vault token through IDENTITY_ENDPOINT", async () => {
    useManagedIdentityOf(tenant);
    tenant.calls.reset();
    const token = await new DefaultAzureCredential().getToken(`${VAULT}/.default`);
    expect(claimsOf(token.token)).toMatchObject({
      aud: VAULT,
      appid: tenant.managedIdentityClientId,
      tid: tenant.tenantId,
    });
    expect(tenant.calls.count("msi", 200)).toBe(1);
    expect(tenant.calls.issuedTokens).toContain(token.token);
  });

  it.each<[string, Record<string, string>, Record<string, string>, number]>([
    ["a good request with 200", { "api-version": "2019-08-01", resource: VAULT }, {}, 200],
    ["no identity header with 401", { "api-version": "2019-08-01", resource: VAULT }, { "x-identity-header": "" }, 401],
    ["another api-version with 400", { "api-version": "2017-09-01", resource: VAULT }, {}, 400],
    ["an unknown resource with 400", { "api-version": "2019-08-01", resource: "https://example.com" }, {}, 400],
    [
      "another identity with 400",
      { "api-version": "2019-08-01", resource: VAULT, client_id: "22222222-2222-4222-8222-222222222222" },
      {},
      400,
    ],
    ["this identity by client id with 200", { "api-version": "2019-08-01", resource: VAULT, client_id: "" }, {}, 200],
  ])("answers %s", async (_name, query, headers, status) => {
    const params = new URLSearchParams(query);
    if (params.get("client_id") === "") params.set("client_id", tenant.managedIdentityClientId);
    const response = await fetch(`${tenant.identityEndpoint}?${params.toString()}`, {
      headers: { "x-identity-header": tenant.identityHeader, ...headers },
    });
    expect(response.status).toBe(status);
    const body = (await response.json()) as Record<string, unknown>;
    if (status === 200) {
      expect(body).toMatchObject({
        resource: VAULT,
        token_type: "Bearer",
        expires_on: expect.stringMatching(/^\d+$/) as unknown,
      });
    }
  });
});
