// Structural tests on infra/main.bicep as the real Bicep CLI compiles it: the ARM JSON is evaluated for a fixed
// subscription and resource group, and the tests assert on the resulting values.
import { evaluateDeployment, type EvaluatedDeployment } from "./armDeployment";
import { armGuid, asString, runtimeRefText, type DeploymentTarget, type Value, type ValueObject } from "./armFunctions";
import { buildMain, describeWithBicep } from "./bicepCli";
import { appSettings, deployed, properties, roleAssignments, roles, secretExposures, single } from "./templateChecks";

const target: DeploymentTarget = {
  subscriptionId: "00000000-0000-0000-0000-0000000000aa",
  resourceGroupName: "rg-inventory",
  location: "westeurope",
  tenantId: "00000000-0000-0000-0000-0000000000bb",
};
const clientId = "11111111-2222-3333-4444-555555555555";
const deployerId = "99999999-8888-7777-6666-555555555555";

describeWithBicep("infra/main.bicep compiled to ARM", () => {
  let template: ValueObject;
  /** The defaults: the federated credential, with no Key Vault. */
  let main: EvaluatedDeployment;
  /** The client secret in Key Vault. */
  let withSecret: EvaluatedDeployment;
  const deploy = (parameters: Record<string, Value> = {}): EvaluatedDeployment =>
    evaluateDeployment(template, { clientId, ...parameters }, target);

  beforeAll(async () => {
    template = (await buildMain()).template;
    main = deploy();
    withSecret = deploy({ credential: "secret" });
  }, 600_000);

  const id = (type: string, deployment = main): string => single(deployment, type).id;
  const name = (type: string, deployment = main): string => single(deployment, type).name;
  const vaultId = (): string => id("Microsoft.KeyVault/vaults", withSecret);
  const vaultName = (): string => name("Microsoft.KeyVault/vaults", withSecret);
  const identityId = (): string => id("Microsoft.ManagedIdentity/userAssignedIdentities");
  const principalId = (): string => runtimeRefText(identityId(), "principalId");
  const identityClientId = (): string => runtimeRefText(identityId(), "clientId");
  const setting = (deployment: EvaluatedDeployment, settingName: string): string | undefined => {
    const found = appSettings(deployment).find((s) => s.name === settingName);
    return found === undefined ? undefined : asString(found.value);
  };

  describe("role assignments", () => {
    const granted = (deployment: EvaluatedDeployment) =>
      roleAssignments(deployment).map((a) => ({ role: a.role, scope: a.scope, principal: a.principalId }));
    const order = (a: { role: string }, b: { role: string }): number => a.role.localeCompare(b.role);
    const appRoles = () => {
      const storage = id("Microsoft.Storage/storageAccounts");
      return [
        { role: roles.storageBlobDataOwner, scope: storage, principal: principalId() },
        { role: roles.storageTableDataContributor, scope: storage, principal: principalId() },
        {
          role: roles.monitoringMetricsPublisher,
          scope: id("Microsoft.Insights/components"),
          principal: principalId(),
        },
      ];
    };

    it("grants the app identity exactly the three roles the federated credential needs, each on its own resource", () => {
      expect(granted(main).sort(order)).toEqual(appRoles().sort(order));
    });

    it.each(["secret", "certificate"])(
      "adds Key Vault Secrets User on the vault with the %s credential",
      (credential) => {
        const deployment = deploy({ credential, clientCertificateName: "inventory-cert" });
        const vault = { role: roles.keyVaultSecretsUser, scope: vaultId(), principal: principalId() };
        expect(granted(deployment).sort(order)).toEqual([...appRoles(), vault].sort(order));
      },
    );

    it("names each assignment guid(scope id, principal id, role definition id) and marks it a service principal", () => {
      expect(roleAssignments(main)).toHaveLength(3);
      const assignments = roleAssignments(withSecret);
      expect(assignments).toHaveLength(4);
      for (const a of assignments) {
        expect(a.roleDefinitionId).toBe(
          `/subscriptions/${target.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${a.role}`,
        );
        expect(a.name).toBe(armGuid(a.scope, a.principalId, a.roleDefinitionId));
        expect(a.principalType).toBe("ServicePrincipal");
      }
    });

    it("grants no role on the resource group or subscription and defines no custom role", () => {
      const rg = `/subscriptions/${target.subscriptionId}/resourceGroups/${target.resourceGroupName}`;
      for (const a of [...roleAssignments(main), ...roleAssignments(withSecret)])
        expect(a.scope.toLowerCase().startsWith(`${rg}/providers/`.toLowerCase())).toBe(true);
      expect(deployed(main, "Microsoft.Authorization/roleDefinitions")).toHaveLength(0);
    });

    it("gives the deployer Key Vault Secrets Officer on the vault only when deployerPrincipalId is set", () => {
      const withDeployer = roleAssignments(deploy({ credential: "secret", deployerPrincipalId: deployerId }));
      const extra = withDeployer.filter((a) => a.principalId === deployerId);
      expect(extra.map((a) => ({ role: a.role, scope: a.scope, type: a.principalType }))).toEqual([
        { role: roles.keyVaultSecretsOfficer, scope: vaultId(), type: "User" },
      ]);
      expect(withDeployer).toHaveLength(5);
      expect(roleAssignments(withSecret).some((a) => a.role === roles.keyVaultSecretsOfficer)).toBe(false);
    });

    it("gives the deployer nothing with the federated credential, which has no vault to write to", () => {
      expect(roleAssignments(deploy({ deployerPrincipalId: deployerId }))).toEqual(roleAssignments(main));
    });
  });

  describe("secrets", () => {
    it("exposes no key, secret or connection string in outputs or app settings and calls no list*()", () => {
      expect(secretExposures(template, main)).toEqual([]);
      expect(secretExposures(template, withSecret)).toEqual([]);
      expect(
        secretExposures(
          template,
          deploy({ credential: "certificate", clientCertificateName: "inventory-cert", functionTimeout: "01:00:00" }),
        ),
      ).toEqual([]);
    });

    const outputsOf = (deployment: EvaluatedDeployment) =>
      Object.fromEntries(Object.entries(deployment.outputs).map(([k, v]) => [k, asString(v)]));

    it("outputs names and ids only, and what the app registration's federated credential must name", () => {
      const site = id("Microsoft.Web/sites");
      expect(outputsOf(main)).toEqual({
        AZURE_FUNCTION_APP_NAME: name("Microsoft.Web/sites"),
        AZURE_FUNCTION_APP_HOST_NAME: runtimeRefText(site, "defaultHostName"),
        AZURE_KEY_VAULT_NAME: "",
        AZURE_KEY_VAULT_URL: "",
        AZURE_IDENTITY_CLIENT_ID: identityClientId(),
        AZURE_IDENTITY_PRINCIPAL_ID: principalId(),
        AZURE_STORAGE_ACCOUNT_NAME: name("Microsoft.Storage/storageAccounts"),
        FEDERATED_CREDENTIAL_ISSUER: `https://login.microsoftonline.com/${target.tenantId}/v2.0`,
        FEDERATED_CREDENTIAL_SUBJECT: principalId(),
        FEDERATED_CREDENTIAL_AUDIENCE: "api://AzureADTokenExchange",
      });
    });

    it("outputs the vault with a secret", () => {
      expect(outputsOf(withSecret)).toMatchObject({
        AZURE_KEY_VAULT_NAME: vaultName(),
        AZURE_KEY_VAULT_URL: `https://${vaultName()}.vault.azure.net`,
      });
    });

    it("names the identity's own tenant as issuer, also when the inventoried tenant is another", () => {
      const other = deploy({ tenantId: "22222222-3333-4444-5555-666666666666" });
      expect(outputsOf(other).FEDERATED_CREDENTIAL_ISSUER).toBe(
        `https://login.microsoftonline.com/${target.tenantId}/v2.0`,
      );
    });
  });

  describe("function app", () => {
    it("runs on a Flex Consumption (FC1) Linux plan", () => {
      const plan = single(main, "Microsoft.Web/serverfarms");
      expect(plan.body.sku).toEqual({ name: "FC1", tier: "FlexConsumption" });
      expect(plan.body.kind).toBe("functionapp");
      expect(properties(plan).reserved).toBe(true);
      const site = single(main, "Microsoft.Web/sites");
      expect(site.body.kind).toBe("functionapp,linux");
      expect(properties(site).serverFarmId).toBe(plan.id);
    });

    it("is HTTPS only with TLS 1.2, FTPS disabled and no basic-auth publishing", () => {
      const site = properties(single(main, "Microsoft.Web/sites"));
      expect(site.httpsOnly).toBe(true);
      expect(site.siteConfig).toMatchObject({ minTlsVersion: "1.2", scmMinTlsVersion: "1.2", ftpsState: "Disabled" });
      const policies = deployed(main, "Microsoft.Web/sites/basicPublishingCredentialsPolicies");
      expect(policies.map((p) => [p.name.split("/").pop(), properties(p).allow]).sort()).toEqual([
        ["ftp", false],
        ["scm", false],
      ]);
    });

    it("runs Node 22 with 2048 MB instances and a deployment container read with the user-assigned identity", () => {
      const config = properties(single(main, "Microsoft.Web/sites")).functionAppConfig;
      const container = single(main, "Microsoft.Storage/storageAccounts/blobServices/containers");
      const [account, , containerName] = container.name.split("/");
      expect(config).toEqual({
        runtime: { name: "node", version: "22" },
        scaleAndConcurrency: { instanceMemoryMB: 2048, maximumInstanceCount: 40 },
        deployment: {
          storage: {
            type: "blobContainer",
            value: `https://${account}.blob.core.windows.net/${containerName}`,
            authentication: { type: "UserAssignedIdentity", userAssignedIdentityResourceId: identityId() },
          },
        },
      });
      expect(account).toBe(name("Microsoft.Storage/storageAccounts"));
    });

    it.each([
      [512, 192],
      [2048, 1024],
      [4096, 2048],
    ])("gives %i MB instances a Node heap limit of %i MB", (memory, heap) => {
      const deployment = deploy({ instanceMemoryMB: memory });
      const config = properties(single(deployment, "Microsoft.Web/sites")).functionAppConfig;
      expect(config).toMatchObject({ scaleAndConcurrency: { instanceMemoryMB: memory } });
      expect(setting(deployment, "languageWorkers__node__arguments")).toBe(`--max-old-space-size=${heap}`);
    });

    it("runs as the user-assigned identity and is tagged for azd", () => {
      const site = single(main, "Microsoft.Web/sites");
      expect(site.body.identity).toEqual({ type: "UserAssigned", userAssignedIdentities: { [identityId()]: {} } });
      expect(site.body.tags).toEqual({ "azd-service-name": "api" });
    });

    const settingsOf = (deployment: EvaluatedDeployment) =>
      Object.fromEntries(appSettings(deployment).map((s) => [s.name, asString(s.value)]));

    it("sets the product's settings with identity-based connections, and the federated credential by default", () => {
      const storage = name("Microsoft.Storage/storageAccounts");
      const settings = settingsOf(main);
      expect(settings).toEqual({
        AzureWebJobsStorage__accountName: storage,
        AzureWebJobsStorage__credential: "managedidentity",
        AzureWebJobsStorage__clientId: identityClientId(),
        AZURE_CLIENT_ID: identityClientId(),
        INVENTORY_TABLE_ENDPOINT: `https://${storage}.table.core.windows.net`,
        INVENTORY_TENANT_ID: target.tenantId,
        INVENTORY_CLIENT_ID: clientId,
        INVENTORY_CREDENTIAL: "federated",
        USERS_SYNC_SCHEDULE: "0 0 2 * * *",
        WORKSPACES_SYNC_SCHEDULE: "0 30 2 * * *",
        INVENTORY_RETENTION_DAYS: "30",
        languageWorkers__node__arguments: "--max-old-space-size=1024",
        APPLICATIONINSIGHTS_CONNECTION_STRING: runtimeRefText(id("Microsoft.Insights/components"), "ConnectionString"),
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${identityClientId()};Authorization=AAD`,
      });
      expect(appSettings(main)).toHaveLength(Object.keys(settings).length); // no name twice
    });

    it("points the secret and certificate credentials at the vault", () => {
      const vault = `https://${vaultName()}.vault.azure.net`;
      expect(settingsOf(withSecret)).toEqual({
        ...settingsOf(main),
        INVENTORY_CREDENTIAL: "secret",
        KEY_VAULT_URL: vault,
        INVENTORY_CLIENT_SECRET_NAME: "inventory-client-secret",
      });
      const certificate = deploy({ credential: "certificate", clientCertificateName: "inventory-cert" });
      expect(settingsOf(certificate)).toEqual({
        ...settingsOf(withSecret),
        INVENTORY_CREDENTIAL: "certificate",
        INVENTORY_CLIENT_CERTIFICATE_NAME: "inventory-cert",
      });
      expect(appSettings(certificate)).toHaveLength(Object.keys(settingsOf(certificate)).length);
    });

    it("passes optional settings through only when they are given", () => {
      const custom = deploy({
        tenantId: "22222222-3333-4444-5555-666666666666",
        credential: "certificate",
        clientCertificateName: "inventory-cert",
        functionTimeout: "01:00:00",
        usersSyncSchedule: "0 15 3 * * *",
        retentionDays: 7,
      });
      expect(setting(custom, "INVENTORY_TENANT_ID")).toBe("22222222-3333-4444-5555-666666666666");
      expect(setting(custom, "INVENTORY_CLIENT_CERTIFICATE_NAME")).toBe("inventory-cert");
      expect(setting(custom, "AzureFunctionsJobHost__functionTimeout")).toBe("01:00:00");
      expect(setting(custom, "USERS_SYNC_SCHEDULE")).toBe("0 15 3 * * *");
      expect(setting(custom, "INVENTORY_RETENTION_DAYS")).toBe("7");
      expect(setting(main, "INVENTORY_CLIENT_CERTIFICATE_NAME")).toBeUndefined();
      expect(setting(deploy({ clientCertificateName: "inventory-cert" }), "INVENTORY_CLIENT_CERTIFICATE_NAME")).toBe(
        undefined,
      );
      expect(setting(main, "AzureFunctionsJobHost__functionTimeout")).toBeUndefined();
    });

    it("sets none of the settings Flex Consumption rejects or that would carry a storage key", () => {
      const names = appSettings(main).map((s) => s.name);
      for (const forbidden of [
        "AzureWebJobsStorage",
        "FUNCTIONS_WORKER_RUNTIME",
        "FUNCTIONS_EXTENSION_VERSION",
        "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
        "WEBSITE_NODE_DEFAULT_VERSION",
      ]) {
        expect(names).not.toContain(forbidden);
      }
    });
  });

  describe("data and secrets stores", () => {
    it("storage accepts Entra ID only, over TLS 1.2, with no public blob access", () => {
      const account = single(main, "Microsoft.Storage/storageAccounts");
      expect(properties(account)).toMatchObject({
        allowSharedKeyAccess: false,
        defaultToOAuthAuthentication: true,
        minimumTlsVersion: "TLS1_2",
        allowBlobPublicAccess: false,
        supportsHttpsTrafficOnly: true,
      });
      const container = single(main, "Microsoft.Storage/storageAccounts/blobServices/containers");
      expect(properties(container).publicAccess).toBe("None");
    });

    it("deploys no Key Vault with the federated credential", () => {
      expect(deployed(main, "Microsoft.KeyVault/vaults")).toHaveLength(0);
    });

    it("Key Vault is in RBAC mode with soft delete and purge protection", () => {
      const vault = properties(single(withSecret, "Microsoft.KeyVault/vaults"));
      expect(vault).toMatchObject({
        tenantId: target.tenantId,
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enablePurgeProtection: true,
      });
      expect(vault.accessPolicies).toBeUndefined();
    });

    it("Log Analytics and Application Insights accept Entra-authenticated data only", () => {
      const workspace = single(main, "Microsoft.OperationalInsights/workspaces");
      expect(properties(workspace).features).toEqual({ disableLocalAuth: true });
      expect(properties(single(main, "Microsoft.Insights/components"))).toMatchObject({
        DisableLocalAuth: true,
        WorkspaceResourceId: workspace.id,
      });
    });

    it("creates no secret: the credential is put into the vault by hand", () => {
      expect(deployed(withSecret, "Microsoft.KeyVault/vaults/secrets")).toHaveLength(0);
    });
  });

  describe("names", () => {
    it.each(["inv", "abcdefgh", "Ab1", "my-inv"])("are valid for every resource with namePrefix %s", (prefix) => {
      const d = deploy({ namePrefix: prefix, credential: "secret" });
      const storage = single(d, "Microsoft.Storage/storageAccounts").name;
      const vault = single(d, "Microsoft.KeyVault/vaults").name;
      expect(storage).toMatch(/^[a-z0-9]{3,24}$/);
      expect(vault).toMatch(/^[a-z][a-z0-9-]{1,22}[a-z0-9]$/);
      expect(vault).not.toContain("--");
      expect(single(d, "Microsoft.Web/sites").name).toMatch(/^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$/);
      expect(storage).toContain(prefix.toLowerCase().replace("-", ""));
    });

    it("differ between resource groups so that two deployments do not collide", () => {
      const other = evaluateDeployment(template, { clientId }, { ...target, resourceGroupName: "rg-other" });
      expect(single(other, "Microsoft.Storage/storageAccounts").name).not.toBe(
        name("Microsoft.Storage/storageAccounts"),
      );
    });
  });
});
