import { DefaultAzureCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import {
  CLIENT_CERTIFICATE_SECRET_NAME,
  CLIENT_SECRET_NAME,
  type SimulatedTenant,
} from "../../dev/simulator/simulatedTenant";
import { createClientCertificatePem } from "../../dev/simulator/tls";
import {
  errorCode,
  getJson,
  GRAPH,
  startTenant,
  tokenFor,
  VAULT,
  restoreManagedIdentityEnvironment,
  useManagedIdentityOf,
} from "./simulatorClient";

let tenant: SimulatedTenant;
let certificatePem: string;

beforeAll(async () => {
  certificatePem = await createClientCertificatePem();
  tenant = await startTenant({ clientCertificatePem: certificatePem });
  useManagedIdentityOf(tenant);
});
afterAll(async () => {
  restoreManagedIdentityEnvironment();
  await tenant.close();
});
afterEach(() => tenant.faults.clear());

function client(): SecretClient {
  return new SecretClient(tenant.url, new DefaultAzureCredential(), {
    disableChallengeResourceVerification: true,
    retryOptions: { maxRetries: 0 },
  });
}

describe("simulated Key Vault with the real SecretClient", () => {
  it("answers the first request with the bearer challenge, then serves the client secret", async () => {
    tenant.calls.reset();
    const secret = await client().getSecret(CLIENT_SECRET_NAME);
    expect(secret.value).toBe(tenant.clientSecret);
    expect(secret.properties.id).toMatch(new RegExp(`^${tenant.url}/secrets/${CLIENT_SECRET_NAME}/[0-9a-f]{32}$`));
    expect(secret.properties.enabled).toBe(true);
    expect(secret.properties.createdOn).toBeInstanceOf(Date);
    expect(tenant.calls.count("keyvault", 401)).toBe(1);
    expect(tenant.calls.count("keyvault", 200)).toBe(1);
  });

  it("sends the challenge naming this tenant's authority and the vault resource", async () => {
    const answer = await fetch(`${tenant.url}/secrets/${CLIENT_SECRET_NAME}/?api-version=7.5`);
    expect(answer.status).toBe(401);
    expect(answer.headers.get("www-authenticate")).toBe(
      `Bearer authorization="${tenant.url}/${tenant.tenantId}", resource="${VAULT}"`,
    );
  });

  it("holds the client certificate as a PEM secret", async () => {
    const secret = await client().getSecret(CLIENT_CERTIFICATE_SECRET_NAME);
    expect(secret.value).toBe(certificatePem);
    expect(secret.properties.contentType).toBe("application/x-pem-file");
  });

  it("rotates a secret into a new version and keeps the old version readable", async () => {
    const secrets = client();
    tenant.setSecret("rotating", "one");
    const first = await secrets.getSecret("rotating");
    tenant.setSecret("rotating", "two");
    const second = await secrets.getSecret("rotating");
    expect([first.value, second.value]).toEqual(["one", "two"]);
    expect(second.properties.version).not.toBe(first.properties.version);
    expect((await secrets.getSecret("rotating", { version: first.properties.version ?? "" })).value).toBe("one");
  });

  it("answers 404 SecretNotFound for an unknown or removed secret", async () => {
    await expect(client().getSecret("no-such-secret")).rejects.toMatchObject({
      statusCode: 404,
      code: "SecretNotFound",
    });
    tenant.setSecret("short-lived", "v1");
    expect((await client().getSecret("short-lived")).value).toBe("v1");
    tenant.setSecret("short-lived", undefined);
    await expect(client().getSecret("short-lived")).rejects.toMatchObject({ statusCode: 404, code: "SecretNotFound" });
  });

  it("answers 403 ForbiddenByRbac when a fault says the identity lost access", async () => {
    const secrets = client();
    await secrets.getSecret(CLIENT_SECRET_NAME);
    tenant.faults.inject({ route: "keyvault", status: 403 });
    await expect(secrets.getSecret(CLIENT_SECRET_NAME)).rejects.toMatchObject({ statusCode: 403, code: "Forbidden" });
  });

  it.each<[string, (token: string) => string | undefined, string]>([
    ["no token", () => undefined, "AKV10000"],
    ["a Graph token", (token) => token, "AKV10022"],
    ["a forged token", (token) => `${token.slice(0, -4)}AAAA`, "AKV10032"],
  ])("refuses %s with 401 and the challenge", async (_name, pick, message) => {
    const answer = await getJson(
      tenant,
      `/secrets/${CLIENT_SECRET_NAME}?api-version=7.5`,
      pick(await tokenFor(tenant, GRAPH)),
    );
    expect(answer.status).toBe(401);
    expect(answer.headers.get("www-authenticate")).toContain(`resource="${VAULT}"`);
    expect(errorCode(answer.body)).toBe("Unauthorized");
    expect(JSON.stringify(answer.body)).toContain(message);
  });
});
