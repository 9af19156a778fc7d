import { ClientSecretCredential, DefaultAzureCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { CLIENT_SECRET_NAME, type SimulatedTenant } from "../../dev/simulator/simulatedTenant";
import {
  claimsOf,
  getJson,
  GRAPH,
  startTenant,
  tokenFor,
  restoreManagedIdentityEnvironment,
  useManagedIdentityOf,
} from "./simulatorClient";

afterAll(restoreManagedIdentityEnvironment);

async function readClientSecret(tenant: SimulatedTenant): Promise<string | undefined> {
  useManagedIdentityOf(tenant);
  const client = new SecretClient(tenant.url, new DefaultAzureCredential(), {
    disableChallengeResourceVerification: true,
  });
  return (await client.getSecret(CLIENT_SECRET_NAME)).value;
}

describe("one managed identity per process", () => {
  // MSAL caches the App Service identity source and its tokens in static fields, so a test file that starts tenant
  // after tenant must keep finding the same endpoint, and each vault must accept the cached identity token.
  it("lets tenant after tenant in one process read its own vault", async () => {
    const first = await startTenant();
    expect(await readClientSecret(first)).toBe(first.clientSecret);
    const endpoint = first.identityEndpoint;
    await first.close();

    const second = await startTenant();
    try {
      expect(second.identityEndpoint).toBe(endpoint);
      expect(second.identityHeader).toBe(first.identityHeader);
      expect(await readClientSecret(second)).toBe(second.clientSecret);
      expect(await readClientSecret(second)).not.toBe(first.clientSecret);
    } finally {
      await second.close();
    }
  });

  it("keeps app tokens apart: a token of one tenant is refused by another", async () => {
    const [one, two] = await Promise.all([startTenant({ users: 2 }), startTenant({ users: 2 })]);
    try {
      const token = await tokenFor(one, GRAPH);
      expect((await getJson(one, "/v1.0/users", token)).status).toBe(200);
      expect((await getJson(two, "/v1.0/users", token)).status).toBe(401);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});

describe("localhost as well as 127.0.0.1", () => {
  it("answers MSAL and Graph under the host name the client used", async () => {
    const tenant = await startTenant({ users: 3 });
    try {
      const localhost = tenant.url.replace("127.0.0.1", "localhost");
      const credential = new ClientSecretCredential(tenant.tenantId, tenant.clientId, tenant.clientSecret, {
        authorityHost: localhost,
        disableInstanceDiscovery: true,
      });
      const token = await credential.getToken(`${GRAPH}/.default`);
      expect(claimsOf(token.token).aud).toBe(GRAPH);
      const page = await getJson(tenant, `${localhost}/v1.0/users?$top=2`, token.token);
      expect((page.body as Record<string, unknown>)["@odata.nextLink"]).toMatch(
        new RegExp(`^${localhost}/v1\\.0/users\\?`),
      );
    } finally {
      await tenant.close();
    }
  });
});
