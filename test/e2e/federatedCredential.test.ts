import { randomUUID } from "node:crypto";
import { applySimulatorCredential } from "../../dev/local/simulatorCredential";
import type { FederatedCredential } from "../../dev/simulator/federatedCredentials";
import { ConfigError, type Config } from "../../src/config/config";
import { loadAppConfig } from "../../src/kinds/registry";
import { createInventory } from "../../src/app/inventory";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";

const USERS = 30;

let env: TestEnvironment;
let settings: Record<string, string>;
let config: Config;
let trusted: FederatedCredential;

beforeAll(async () => {
  // Tokens under five minutes, so MSAL never answers from its cache: every run presents a fresh assertion.
  env = await startTestEnvironment({ users: USERS, tokenLifetimeSeconds: 240 });
  const federated = env.tenant.useFederatedCredential();
  // Nothing is read from a vault, so none is configured.
  settings = { ...env.settings, ...federated };
  delete settings.KEY_VAULT_URL;
  config = loadAppConfig(settings);
  trusted = env.tenant.managedIdentityFederatedCredential();
});
afterAll(() => env.close());

/**
 * One users sync through an inventory of its own: a long-lived one keeps its token until near expiry, and each case
 * here must present a fresh assertion to Entra to see it refused.
 */
const syncUsers = (configuration: Config = config) => createInventory(configuration).sync("users");
beforeEach(() => env.tenant.calls.reset());
afterEach(() => {
  env.tenant.setFederatedCredentials([trusted]);
  env.tenant.setManagedIdentityTokenAge(0);
});

describe("the managed identity as the app registration's federated credential", () => {
  it("syncs users with no secret in the vault and no vault call at all", async () => {
    const result = await syncUsers();
    expect(result).toMatchObject({ status: "succeeded", counts: { users: USERS } });
    expect(env.tenant.calls.count("keyvault")).toBe(0);
    expect(env.tenant.calls.count("msi", 200)).toBeGreaterThanOrEqual(1);
    expect(env.tenant.calls.count("token", 200)).toBeGreaterThanOrEqual(1);
    expect(env.tenant.calls.count("token", 401)).toBe(0);
    expect(config.tenant?.keyVaultUrl).toBeUndefined();
  });

  const identity = (): string => `the managed identity AZURE_CLIENT_ID=${env.tenant.managedIdentityClientId}`;

  it.each<[string, () => void, () => string[]]>([
    [
      "no federated credential",
      () => env.tenant.setFederatedCredentials([]),
      () => [
        "AADSTS70021:",
        `the app registration has no federated credential for ${identity()}: create one with issuer ${trusted.issuer}, subject ${trusted.subject} and audience api://AzureADTokenExchange (az ad app federated-credential create)`,
      ],
    ],
    [
      "a wrong audience",
      () => env.tenant.setFederatedCredentials([{ ...trusted, audiences: ["api://AzureADTokenExchangeUSGov"] }]),
      () => ["AADSTS700212:", "set the federated credential's audience to api://AzureADTokenExchange."],
    ],
    [
      "a wrong subject",
      () => env.tenant.setFederatedCredentials([{ ...trusted, subject: randomUUID() }]),
      () => [
        "AADSTS700213:",
        `set the federated credential's subject to ${trusted.subject}, the principal (object) id of ${identity()}.`,
      ],
    ],
    [
      "a wrong issuer",
      () => env.tenant.setFederatedCredentials([{ ...trusted, issuer: "https://login.microsoftonline.com/x/v2.0" }]),
      () => ["AADSTS700211:", `set the federated credential's issuer to ${trusted.issuer}.`],
    ],
    [
      "an expired assertion",
      () => env.tenant.setManagedIdentityTokenAge(7200),
      () => ["AADSTS700024:", `the token of ${identity()} had expired when Entra checked it: check the host's clock`],
    ],
  ])("fails the run with %s, saying what to fix", async (_case, breakIt, messages) => {
    breakIt();
    const result = await syncUsers();
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(
      /^FederatedCredentialError: Entra refused the federated credential of app registration /,
    );
    for (const message of messages()) expect(result.error).toContain(message);
    for (const token of env.tenant.calls.issuedTokens) expect(result.error).not.toContain(token.split(".")[2]);
    expect(env.tenant.calls.count("graph.users")).toBe(0);
  });

  it("succeeds on the next run once the missing federated credential is created", async () => {
    env.tenant.setFederatedCredentials([]);
    expect((await syncUsers()).status).toBe("failed");
    env.tenant.setFederatedCredentials([trusted]);
    expect(await syncUsers()).toMatchObject({ status: "succeeded", counts: { users: USERS } });
  });

  it("fails the run naming AZURE_CLIENT_ID when it names an identity the Function does not have", async () => {
    const other = randomUUID();
    const result = await syncUsers(loadAppConfig({ ...settings, AZURE_CLIENT_ID: other }));
    expect(result.status).toBe("failed");
    expect(result.error).toContain(
      `FederatedCredentialError: Cannot get a token for api://AzureADTokenExchange from the managed identity AZURE_CLIENT_ID=${other}`,
    );
    expect(result.error).toContain("Unable to load the proper Managed Identity.");
    expect(env.tenant.calls.count("token", 200)).toBe(0);
  });
});

describe("SIMULATOR_CREDENTIAL for npm start", () => {
  it("federated: the settings npm start gets sync with no vault and no secret", async () => {
    const own = await startTestEnvironment({ users: 5, tokenLifetimeSeconds: 240 });
    try {
      const processEnv: NodeJS.ProcessEnv = { ...own.settings, SIMULATOR_CREDENTIAL: "federated" };
      expect(applySimulatorCredential(own.tenant, processEnv)).toBe("federated");
      expect(processEnv).toMatchObject({
        INVENTORY_CREDENTIAL: "federated",
        AZURE_CLIENT_ID: own.tenant.managedIdentityClientId,
      });
      expect(processEnv.KEY_VAULT_URL).toBeUndefined();
      expect(await syncUsers(loadAppConfig(processEnv))).toMatchObject({
        status: "succeeded",
        counts: { users: 5 },
      });
      expect(own.tenant.calls.count("keyvault")).toBe(0);
    } finally {
      await own.close();
    }
  });

  it.each([undefined, "", "secret"])("%p leaves the secret setup as it is", (value) => {
    const processEnv: NodeJS.ProcessEnv = { ...env.settings, SIMULATOR_CREDENTIAL: value };
    expect(applySimulatorCredential(env.tenant, processEnv)).toBe("secret");
    expect(processEnv).toEqual({ ...env.settings, SIMULATOR_CREDENTIAL: value });
  });

  it("refuses another value, naming the setting", () => {
    expect(() => applySimulatorCredential(env.tenant, { SIMULATOR_CREDENTIAL: "certificate" })).toThrow(
      new ConfigError('SIMULATOR_CREDENTIAL: must be secret or federated, not "certificate"'),
    );
  });
});
