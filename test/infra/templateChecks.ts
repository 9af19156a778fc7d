// Checks on an evaluated deployment that the infra tests share: the role assignments it grants, the Function App's
// settings, and anything that would put a key, secret or connection string where it can be read back.
import type { EvaluatedDeployment, EvaluatedResource } from "./armDeployment";
import { asString, isObject, RuntimeRef, type Value, type ValueObject } from "./armFunctions";

/** Built-in roles (ids are the same in every tenant) that the template may grant. */
export const roles = {
  storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  storageTableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
  keyVaultSecretsOfficer: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
} as const;

export interface RoleAssignment {
  name: string;
  scope: string;
  roleDefinitionId: string;
  /** Last segment of roleDefinitionId: the role's GUID. */
  role: string;
  principalId: string;
  principalType: string;
}

function prop(value: Value | undefined, ...path: string[]): Value {
  let current: Value = value ?? null;
  for (const key of path) current = isObject(current) ? (current[key] ?? null) : null;
  return current;
}

export function deployed(deployment: EvaluatedDeployment, type: string): EvaluatedResource[] {
  return deployment.resources.filter((r) => r.deployed && r.type.toLowerCase() === type.toLowerCase());
}

/** The one deployed resource of a type; throws when there are none or several. */
export function single(deployment: EvaluatedDeployment, type: string): EvaluatedResource {
  const found = deployed(deployment, type);
  if (found.length !== 1 || found[0] === undefined) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

export function properties(resource: EvaluatedResource): ValueObject {
  const p = resource.body.properties;
  return isObject(p) ? p : {};
}

export function roleAssignments(deployment: EvaluatedDeployment): RoleAssignment[] {
  return deployed(deployment, "Microsoft.Authorization/roleAssignments").map((r) => {
    const p = properties(r);
    const roleDefinitionId = asString(p.roleDefinitionId ?? "");
    return {
      name: r.name,
      scope: r.scope ?? "",
      roleDefinitionId,
      role: roleDefinitionId.split("/").pop() ?? "",
      principalId: asString(p.principalId ?? ""),
      principalType: asString(p.principalType ?? ""),
    };
  });
}

export interface AppSetting {
  name: string;
  value: Value;
}

/** App settings of every deployed Function App, from siteConfig.appSettings and any sites/config appsettings. */
export function appSettings(deployment: EvaluatedDeployment): AppSetting[] {
  const settings: AppSetting[] = [];
  for (const site of deployed(deployment, "Microsoft.Web/sites")) {
    const list = prop(site.body, "properties", "siteConfig", "appSettings");
    if (Array.isArray(list)) {
      for (const item of list) settings.push({ name: asString(prop(item, "name")), value: prop(item, "value") });
    }
  }
  for (const config of deployed(deployment, "Microsoft.Web/sites/config")) {
    if (!config.name.toLowerCase().endsWith("/appsettings")) continue;
    for (const [name, value] of Object.entries(properties(config))) settings.push({ name, value });
  }
  return settings;
}

const secretText =
  /AccountKey=|SharedAccessSignature=|[?&]sig=|InstrumentationKey=|DefaultEndpointsProtocol=|Password=/i;
const secretName = /secret(?!_?name)|password|connection_?string|account_?key|access_?key|sas_?token/i;

function runtimeSecret(value: Value): string | undefined {
  if (!(value instanceof RuntimeRef)) return undefined;
  if (/^list/i.test(value.resourceId)) return `comes from ${value.resourceId}`;
  const last = value.path[value.path.length - 1] ?? "";
  return /connectionstring|key|secret|password/i.test(last) ? `reads ${last} of a resource at deployment` : undefined;
}

function valueProblem(value: Value): string | undefined {
  const runtime = runtimeSecret(value);
  if (runtime !== undefined) return runtime;
  const text = asString(value);
  if (/⟦reference\(list/i.test(text)) return "embeds a list*() result";
  return secretText.test(text) ? "looks like a key, SAS or connection string" : undefined;
}

/**
 * The Application Insights connection string names an endpoint and a component, and grants nothing when the
 * component has local auth disabled; that one setting may carry it, read straight from such a component.
 */
function isEntraOnlyAppInsightsConnection(deployment: EvaluatedDeployment, setting: AppSetting): boolean {
  const v = setting.value;
  if (setting.name !== "APPLICATIONINSIGHTS_CONNECTION_STRING" || !(v instanceof RuntimeRef)) return false;
  if (v.path.join(".") !== "ConnectionString") return false;
  const component = deployed(deployment, "Microsoft.Insights/components").find(
    (c) => c.id.toLowerCase() === v.resourceId.toLowerCase(),
  );
  return component !== undefined && properties(component).DisableLocalAuth === true;
}

function walkStrings(value: Value, visit: (text: string) => void): void {
  if (typeof value === "string") visit(value);
  else if (Array.isArray(value)) value.forEach((v) => walkStrings(v, visit));
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      visit(k);
      walkStrings(v, visit);
    }
  }
}

function secureParameters(template: ValueObject, where: string, found: string[]): void {
  const parameters = isObject(template.parameters) ? template.parameters : {};
  for (const [name, definition] of Object.entries(parameters)) {
    const type = asString(prop(definition, "type")).toLowerCase();
    if (type.startsWith("secure")) found.push(`${where} parameter ${name} is a ${type}`);
  }
  const resources = template.resources;
  const list = Array.isArray(resources) ? resources : isObject(resources) ? Object.values(resources) : [];
  for (const r of list) {
    const nested = prop(r, "properties", "template");
    if (isObject(nested)) secureParameters(nested, `${where}/${asString(prop(r, "name"))}`, found);
  }
}

/** Every place where the template would expose a key, secret or connection string; [] when there is none. */
export function secretExposures(template: ValueObject, deployment: EvaluatedDeployment): string[] {
  const found: string[] = [];
  walkStrings(template, (text) => {
    if (text.startsWith("[") && /\blist\w*\s*\(/i.test(text)) found.push(`template calls a list*() function: ${text}`);
  });
  secureParameters(template, "main", found);
  const allOutputs: Record<string, Record<string, Value>> = { main: deployment.outputs, ...deployment.moduleOutputs };
  for (const [where, outputs] of Object.entries(allOutputs)) {
    for (const [name, value] of Object.entries(outputs)) {
      if (secretName.test(name)) found.push(`${where} output ${name} is named like a secret`);
      const problem = valueProblem(value);
      if (problem !== undefined) found.push(`${where} output ${name} ${problem}`);
    }
  }
  for (const setting of appSettings(deployment)) {
    if (isEntraOnlyAppInsightsConnection(deployment, setting)) continue;
    if (setting.name === "AzureWebJobsStorage") found.push("app setting AzureWebJobsStorage is a connection string");
    if (secretName.test(setting.name)) found.push(`app setting ${setting.name} is named like a secret`);
    const problem = valueProblem(setting.value);
    if (problem !== undefined) found.push(`app setting ${setting.name} ${problem}`);
  }
  return found;
}
