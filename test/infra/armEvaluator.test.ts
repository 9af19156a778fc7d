// The template evaluator and the checks the structural tests rely on, exercised on small hand-written templates so
// that a check that could never fail would show here. Needs no Bicep CLI.
import { parseExpression } from "./armExpression";
import { evaluateDeployment } from "./armDeployment";
import { armGuid, asString, runtimeRefText, type DeploymentTarget, type ValueObject } from "./armFunctions";
import { appSettings, roleAssignments, roles, secretExposures } from "./templateChecks";

const target: DeploymentTarget = {
  subscriptionId: "sub-1",
  resourceGroupName: "rg-1",
  location: "westeurope",
  tenantId: "tenant-1",
};
const rg = "/subscriptions/sub-1/resourceGroups/rg-1";

/** Evaluates one expression as the output of an otherwise empty template. */
function evalText(expression: string, parameters: ValueObject = {}, variables: ValueObject = {}): string {
  const definitions = Object.fromEntries(Object.keys(parameters).map((k) => [k, { type: "string" }]));
  const template: ValueObject = {
    parameters: definitions,
    variables,
    resources: [],
    outputs: { result: { type: "string", value: expression } },
  };
  return asString(evaluateDeployment(template, parameters, target).outputs.result ?? null);
}

describe("ARM expression evaluator", () => {
  it.each([
    ["[concat('a', 'b', 'c')]", "abc"],
    ["[format('{0}-{1}', 'x', 42)]", "x-42"],
    ["[toLower('ABC')]", "abc"],
    ["[take('abcdef', 3)]", "abc"],
    ["[string(30)]", "30"],
    ["[if(empty(''), 'empty', 'full')]", "empty"],
    ["[if(not(empty('x')), createArray('a'), createArray())]", '["a"]'],
    ["[concat(createArray(1), createArray(2, 3))]", "[1,2,3]"],
    ["[union(createObject('a', 1), createObject('b', 2))]", '{"a":1,"b":2}'],
    ["[createObject('azd-service-name', 'api')['azd-service-name']]", "api"],
    ["[environment().suffixes.storage]", "core.windows.net"],
    ["[resourceGroup().location]", "westeurope"],
    [
      "[resourceId('Microsoft.Storage/storageAccounts/blobServices', 'st1', 'default')]",
      `${rg}/providers/Microsoft.Storage/storageAccounts/st1/blobServices/default`,
    ],
    [
      "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'r1')]",
      "/subscriptions/sub-1/providers/Microsoft.Authorization/roleDefinitions/r1",
    ],
    ["[guid('a', 'b')]", armGuid("a", "b")],
    ["[format('it''s {0}', parameters('p'))]", "it's P"],
    ["[variables('v').inner]", "deep"],
    ["[[not an expression]", "[not an expression]"],
  ])("%s evaluates to %s", (expression, expected) => {
    expect(evalText(expression, { p: "P" }, { v: { inner: "deep" } })).toBe(expected);
  });

  it("rejects malformed expressions and functions it does not know instead of guessing", () => {
    expect(() => parseExpression("[concat('a']")).toThrow(/expected/);
    expect(() => evalText("[someNewFunction('x')]")).toThrow(/not supported/);
    expect(() => evalText("[parameters('missing')]")).toThrow();
  });

  it("resolves module outputs and turns references to resources into runtime values", () => {
    const template: ValueObject = {
      languageVersion: "2.0",
      resources: {
        id: { type: "Microsoft.ManagedIdentity/userAssignedIdentities", apiVersion: "2024-11-30", name: "id-1" },
        mod: {
          type: "Microsoft.Resources/deployments",
          apiVersion: "2025-04-01",
          name: "mod",
          properties: {
            expressionEvaluationOptions: { scope: "inner" },
            mode: "Incremental",
            parameters: { p: { value: "[reference('id').principalId]" } },
            template: {
              parameters: { p: { type: "string" } },
              resources: [],
              outputs: { o: { value: "[parameters('p')]" } },
            },
          },
        },
      },
      outputs: { principal: { type: "string", value: "[reference('mod').outputs.o.value]" } },
    };
    const result = evaluateDeployment(template, {}, target);
    const identity = `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-1`;
    expect(asString(result.outputs.principal ?? null)).toBe(runtimeRefText(identity, "principalId"));
    expect(result.resources.map((r) => r.id)).toEqual([
      identity,
      `${rg}/providers/Microsoft.Resources/deployments/mod`,
    ]);
  });

  it.each([
    [true, "https://kv-1.vault.azure.net"],
    [false, ""],
  ])(
    "passes a module parameter that is one expression for its {value} (a conditional module's output: %s)",
    (on, uri) => {
      const child = (parameters: ValueObject, outputs: ValueObject): ValueObject => ({
        type: "Microsoft.Resources/deployments",
        apiVersion: "2025-04-01",
        properties: {
          expressionEvaluationOptions: { scope: "inner" },
          mode: "Incremental",
          parameters,
          template: { parameters: { p: { type: "string" } }, resources: [], outputs },
        },
      });
      const template: ValueObject = {
        languageVersion: "2.0",
        parameters: { on: { type: "bool" } },
        resources: {
          vault: {
            ...child({}, { uri: { value: "https://kv-1.vault.azure.net" } }),
            name: "vault",
            condition: "[parameters('on')]",
          },
          app: {
            ...child(
              {
                p: "[if(parameters('on'), createObject('value', reference('vault').outputs.uri.value), createObject('value', ''))]",
              },
              { o: { value: "[parameters('p')]" } },
            ),
            name: "app",
          },
        },
        outputs: { uri: { type: "string", value: "[reference('app').outputs.o.value]" } },
      };
      expect(asString(evaluateDeployment(template, { on }, target).outputs.uri ?? null)).toBe(uri);
    },
  );
});

describe("template checks", () => {
  const leakyTemplate: ValueObject = {
    parameters: { password: { type: "securestring" } },
    resources: [
      {
        type: "Microsoft.Storage/storageAccounts",
        apiVersion: "2025-06-01",
        name: "st1",
      },
      {
        type: "Microsoft.Web/sites",
        apiVersion: "2025-03-01",
        name: "app1",
        properties: {
          siteConfig: {
            appSettings: [
              { name: "AzureWebJobsStorage", value: "DefaultEndpointsProtocol=https;AccountName=st1;AccountKey=abc" },
              {
                name: "STORAGE_KEY",
                value: "[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'st1'), '2025-06-01').keys[0].value]",
              },
              { name: "APPLICATIONINSIGHTS_CONNECTION_STRING", value: "InstrumentationKey=abc" },
            ],
          },
        },
      },
      {
        condition: "[equals('a', 'b')]",
        type: "Microsoft.Authorization/roleAssignments",
        apiVersion: "2022-04-01",
        scope: "Microsoft.Storage/storageAccounts/st1",
        name: "never",
        properties: {
          roleDefinitionId: `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${roles.keyVaultSecretsOfficer}')]`,
          principalId: "p1",
        },
      },
      {
        type: "Microsoft.Authorization/roleAssignments",
        apiVersion: "2022-04-01",
        scope: "Microsoft.Storage/storageAccounts/st1",
        name: "owner",
        properties: {
          roleDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'owner-role')]",
          principalId: "p1",
          principalType: "ServicePrincipal",
        },
      },
    ],
    outputs: {
      storageConnectionString: {
        type: "string",
        value: "[reference(resourceId('Microsoft.Storage/storageAccounts', 'st1')).primaryEndpoints.blob]",
      },
      key: {
        type: "string",
        value: "[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'st1'), '2025-06-01').keys[0].value]",
      },
    },
  };

  it("finds every kind of secret exposure in a leaky template", () => {
    const problems = secretExposures(leakyTemplate, evaluateDeployment(leakyTemplate, { password: "x" }, target));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/list\*\(\) function/),
        expect.stringMatching(/parameter password is a securestring/),
        expect.stringMatching(/output storageConnectionString is named like a secret/),
        expect.stringMatching(/output key comes from listKeys/),
        expect.stringMatching(/app setting AzureWebJobsStorage is a connection string/),
        expect.stringMatching(/app setting AzureWebJobsStorage looks like a key/),
        expect.stringMatching(/app setting STORAGE_KEY comes from listKeys/),
        expect.stringMatching(/app setting APPLICATIONINSIGHTS_CONNECTION_STRING is named like a secret/),
      ]),
    );
  });

  it("reads app settings and only the role assignments whose condition holds", () => {
    const deployment = evaluateDeployment(leakyTemplate, { password: "x" }, target);
    expect(appSettings(deployment).map((s) => s.name)).toEqual([
      "AzureWebJobsStorage",
      "STORAGE_KEY",
      "APPLICATIONINSIGHTS_CONNECTION_STRING",
    ]);
    expect(roleAssignments(deployment)).toEqual([
      {
        name: "owner",
        scope: `${rg}/providers/Microsoft.Storage/storageAccounts/st1`,
        roleDefinitionId: "/subscriptions/sub-1/providers/Microsoft.Authorization/roleDefinitions/owner-role",
        role: "owner-role",
        principalId: "p1",
        principalType: "ServicePrincipal",
      },
    ]);
  });
});
