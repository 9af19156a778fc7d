import { ConfigError } from "../../src/config/config";
import { DEFAULT_USER_SELECT, userSelectOf } from "../../src/kinds/users/usersKind";
import { groupsQueryOf } from "../../src/kinds/workspaces/workspacesKind";
import { loadAppConfig as loadConfig } from "../../src/kinds/registry";
import { tableNamesOf } from "../../src/store/tables";

const tenant = {
  INVENTORY_TENANT_ID: "11111111-2222-3333-4444-555555555555",
  INVENTORY_CLIENT_ID: "66666666-7777-8888-9999-000000000000",
  KEY_VAULT_URL: "https://contoso-inventory.vault.azure.net/",
};

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig({});
    expect(config.tenant).toBeUndefined();
    expect(config.upstream.graph).toEqual({
      endpoint: "https://graph.microsoft.com",
      scope: "https://graph.microsoft.com/.default",
    });
    expect(userSelectOf(config)).toEqual(DEFAULT_USER_SELECT);
    expect(config.upstream.powerbi.endpoint).toBe("https://api.powerbi.com");
    expect(config.storage).toEqual({ connectionString: "UseDevelopmentStorage=true", tableEndpoint: undefined });
    expect([config.settings.USERS_SYNC_SCHEDULE, config.settings.WORKSPACES_SYNC_SCHEDULE]).toEqual([
      "0 0 2 * * *",
      "0 30 2 * * *",
    ]);
    expect(config.resumeSchedule).toBe("0 * * * * *");
    expect(groupsQueryOf(config)).toEqual({
      top: 5000,
      expand: ["users", "reports", "dashboards", "datasets", "dataflows", "workbooks"],
      filter: undefined,
    });
    expect(config.retentionDays).toBe(30);
    expect(config.invocationMs).toBe(25 * 60_000);
    expect(config.onInvalidItem).toBe("fail");
  });

  it("reads a tenant and trims the vault URL", () => {
    const config = loadConfig(tenant);
    expect(config.tenant).toEqual({
      tenantId: tenant.INVENTORY_TENANT_ID,
      clientId: tenant.INVENTORY_CLIENT_ID,
      keyVaultUrl: "https://contoso-inventory.vault.azure.net",
      clientSecretName: "inventory-client-secret",
      clientCertificateName: undefined,
      authorityHost: "https://login.microsoftonline.com",
      credential: "secret",
      managedIdentityClientId: undefined,
    });
  });

  it.each<[string, Record<string, string>, string]>([
    ["secret by default", {}, "secret"],
    ["certificate when a certificate name is set", { INVENTORY_CLIENT_CERTIFICATE_NAME: "cert" }, "certificate"],
    [
      "the setting over the certificate name",
      { INVENTORY_CLIENT_CERTIFICATE_NAME: "cert", INVENTORY_CREDENTIAL: "secret" },
      "secret",
    ],
    ["federated when asked", { INVENTORY_CREDENTIAL: "federated" }, "federated"],
    ["the default for an empty setting", { INVENTORY_CREDENTIAL: " " }, "secret"],
  ])("chooses the app credential: %s", (_case, settings, credential) => {
    expect(loadConfig({ ...tenant, ...settings }).tenant?.credential).toBe(credential);
  });

  it("needs no vault for the federated credential, and reads the managed identity from AZURE_CLIENT_ID", () => {
    const identity = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
    const config = loadConfig({
      ...tenant,
      KEY_VAULT_URL: undefined,
      INVENTORY_CREDENTIAL: "federated",
      AZURE_CLIENT_ID: identity,
    });
    expect(config.tenant).toMatchObject({
      credential: "federated",
      keyVaultUrl: undefined,
      managedIdentityClientId: identity,
    });
    expect(
      loadConfig({ ...tenant, INVENTORY_CREDENTIAL: "federated" }).tenant?.managedIdentityClientId,
    ).toBeUndefined();
  });

  it("is frozen", () => {
    const config = loadConfig(tenant);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(userSelectOf(config))).toBe(true);
  });

  it("prefers INVENTORY_STORAGE over AzureWebJobsStorage", () => {
    expect(loadConfig({ INVENTORY_STORAGE: "A", AzureWebJobsStorage: "B" }).storage.connectionString).toBe("A");
    expect(loadConfig({ AzureWebJobsStorage: "B" }).storage.connectionString).toBe("B");
  });

  it.each([
    [{ ...tenant, INVENTORY_TENANT_ID: "contoso" }, "INVENTORY_TENANT_ID: must be a GUID"],
    [{ ...tenant, INVENTORY_CLIENT_ID: undefined }, "INVENTORY_CLIENT_ID: required when INVENTORY_TENANT_ID is set"],
    [{ ...tenant, KEY_VAULT_URL: undefined }, "KEY_VAULT_URL: required when INVENTORY_TENANT_ID is set"],
    [{ ...tenant, KEY_VAULT_URL: "http://vault.example" }, "KEY_VAULT_URL: must be an https:// URL"],
    [
      { INVENTORY_CLIENT_ID: tenant.INVENTORY_CLIENT_ID },
      "INVENTORY_TENANT_ID: required when INVENTORY_CLIENT_ID is set",
    ],
    [{ INVENTORY_RETENTION_DAYS: "0" }, "INVENTORY_RETENTION_DAYS"],
    [{ INVENTORY_RETENTION_DAYS: "thirty" }, "INVENTORY_RETENTION_DAYS"],
    [
      { USERS_SYNC_SCHEDULE: "0 2 * * *" },
      'USERS_SYNC_SCHEDULE: not a valid NCRONTAB schedule: "0 2 * * *" has 5 fields',
    ],
    // Six fields, but not a schedule the host can run: refused when the configuration loads, naming the setting.
    [
      { WORKSPACES_SYNC_SCHEDULE: "0 61 2 * * *" },
      'WORKSPACES_SYNC_SCHEDULE: not a valid NCRONTAB schedule: minute "61"',
    ],
    [{ INVENTORY_RESUME_SCHEDULE: "0 */0 * * * *" }, "INVENTORY_RESUME_SCHEDULE: not a valid NCRONTAB schedule"],
    [{ INVENTORY_INVOCATION_MINUTES: "0" }, "INVENTORY_INVOCATION_MINUTES"],
    [{ POWERBI_GROUPS_TOP: "5001" }, "POWERBI_GROUPS_TOP"],
    [{ POWERBI_GROUPS_EXPAND: "users,reprots" }, "POWERBI_GROUPS_EXPAND.1: each must be one of users, reports"],
    [{ GRAPH_ENDPOINT: "graph.microsoft.com" }, "GRAPH_ENDPOINT"],
    [{ GRAPH_USER_SELECT: "id,display Name" }, 'GRAPH_USER_SELECT: "display Name" is not a property name'],
    [
      { INVENTORY_TABLE_ENDPOINT: "http://inventory.table.core.windows.net" },
      "INVENTORY_TABLE_ENDPOINT: must be an https:// URL (http:// only on loopback)",
    ],
    [{ INVENTORY_INVALID_ITEMS: "ignore" }, "INVENTORY_INVALID_ITEMS"],
    [
      { INVENTORY_TABLE_PREFIX: "1contoso" },
      "INVENTORY_TABLE_PREFIX: must be a letter, then up to 44 letters or digits",
    ],
    [{ INVENTORY_TABLE_PREFIX: "contoso-prod" }, "INVENTORY_TABLE_PREFIX: must be a letter"],
    [{ INVENTORY_TABLE_PREFIX: `c${"x".repeat(45)}` }, "INVENTORY_TABLE_PREFIX: must be a letter"],
    [{ ...tenant, INVENTORY_CREDENTIAL: "password" }, "INVENTORY_CREDENTIAL"],
    [{ ...tenant, INVENTORY_CREDENTIAL: "Federated" }, "INVENTORY_CREDENTIAL"],
    [
      { ...tenant, INVENTORY_CREDENTIAL: "certificate" },
      "INVENTORY_CLIENT_CERTIFICATE_NAME: required when INVENTORY_CREDENTIAL is certificate",
    ],
    [
      { ...tenant, KEY_VAULT_URL: undefined, INVENTORY_CREDENTIAL: "secret" },
      "KEY_VAULT_URL: required when INVENTORY_TENANT_ID is set",
    ],
    [
      { ...tenant, KEY_VAULT_URL: undefined, INVENTORY_CLIENT_CERTIFICATE_NAME: "cert" },
      "KEY_VAULT_URL: required when INVENTORY_TENANT_ID is set",
    ],
    [
      { ...tenant, INVENTORY_CREDENTIAL: "federated", AZURE_CLIENT_ID: "my-identity" },
      "AZURE_CLIENT_ID: must be a GUID",
    ],
  ])("rejects %j naming the setting", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("allows plain http table endpoints only on loopback", () => {
    expect(
      loadConfig({ INVENTORY_TABLE_ENDPOINT: "http://127.0.0.1:10002/devstoreaccount1" }).storage.tableEndpoint,
    ).toBe("http://127.0.0.1:10002/devstoreaccount1");
  });

  it("puts INVENTORY_TABLE_PREFIX before each table's name, and nothing when it is blank", () => {
    expect(tableNamesOf(loadConfig({ INVENTORY_TABLE_PREFIX: " contoso " }).storage)).toEqual({
      snapshots: "contosoInventorySnapshots",
      rows: "contosoInventoryRows",
    });
    expect(tableNamesOf(loadConfig({ INVENTORY_TABLE_PREFIX: "" }).storage)).toEqual({
      snapshots: "InventorySnapshots",
      rows: "InventoryRows",
    });
  });

  it("always selects id", () => {
    expect(userSelectOf(loadConfig({ GRAPH_USER_SELECT: "displayName, mail" }))).toEqual(["id", "displayName", "mail"]);
  });
});
