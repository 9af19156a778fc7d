import { z } from "zod";

/** Artifact arrays Power BI's admin/groups `$expand` can add to a workspace. */
export const WORKSPACE_ARTIFACTS = ["users", "reports", "dashboards", "datasets", "dataflows", "workbooks"] as const;
export type WorkspaceArtifact = (typeof WORKSPACE_ARTIFACTS)[number];

/** How workspaces are listed: Power BI's admin/groups parameters. */
export interface AdminGroupsQuery {
  /** Page size, 1..5000; required by the service. */
  top: number;
  expand: readonly WorkspaceArtifact[];
  filter: string | undefined;
}

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a GUID");
const httpsUrl = z
  .url({ protocol: /^https$/, error: "must be an https:// URL" })
  .transform((value) => value.replace(/\/+$/, ""));
const ncrontab = z
  .string()
  .trim()
  .refine((value) => value.split(/\s+/).length === 6, "must be an NCRONTAB expression with six fields");
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === "" ? undefined : value));

/** How the app registration proves itself (INVENTORY_CREDENTIAL). */
export const APP_CREDENTIALS = ["secret", "certificate", "federated"] as const;
export type AppCredentialKind = (typeof APP_CREDENTIALS)[number];

/** Every app setting the product reads, with its default. The names are the public contract (PRODUCT.md). */
const settingsSchema = z.object({
  INVENTORY_TENANT_ID: guid.optional(),
  INVENTORY_CLIENT_ID: guid.optional(),
  KEY_VAULT_URL: httpsUrl.optional(),
  INVENTORY_CLIENT_SECRET_NAME: z.string().trim().min(1).default("inventory-client-secret"),
  INVENTORY_CLIENT_CERTIFICATE_NAME: optionalText,
  INVENTORY_CREDENTIAL: optionalText.pipe(z.enum(APP_CREDENTIALS).optional()),
  AZURE_CLIENT_ID: optionalText.pipe(guid.optional()),
  AZURE_AUTHORITY_HOST: httpsUrl.default("https://login.microsoftonline.com"),
  GRAPH_ENDPOINT: httpsUrl.default("https://graph.microsoft.com"),
  GRAPH_SCOPE: z.string().trim().min(1).default("https://graph.microsoft.com/.default"),
  GRAPH_USER_SELECT: optionalText,
  POWERBI_ENDPOINT: httpsUrl.default("https://api.powerbi.com"),
  POWERBI_SCOPE: z.string().trim().min(1).default("https://analysis.windows.net/powerbi/api/.default"),
  POWERBI_GROUPS_TOP: z.coerce.number().int().min(1).max(5000).default(5000),
  POWERBI_GROUPS_EXPAND: z
    .string()
    .default(WORKSPACE_ARTIFACTS.join(","))
    .transform((value) =>
      value
        .split(",")
        .map((part) => part.trim())
        .filter((part) => part !== ""),
    )
    .pipe(z.array(z.enum(WORKSPACE_ARTIFACTS))),
  POWERBI_GROUPS_FILTER: optionalText,
  INVENTORY_STORAGE: optionalText,
  AzureWebJobsStorage: optionalText,
  INVENTORY_TABLE_ENDPOINT: httpsUrlOrLoopbackHttp().optional(),
  USERS_SYNC_SCHEDULE: ncrontab.default("0 0 2 * * *"),
  WORKSPACES_SYNC_SCHEDULE: ncrontab.default("0 30 2 * * *"),
  INVENTORY_RESUME_SCHEDULE: ncrontab.default("0 * * * * *"),
  INVENTORY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  INVENTORY_STALL_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(180),
  INVENTORY_INVALID_ITEMS: z.enum(["fail", "skip"]).default("fail"),
});

/** Table endpoints may be plain http only on loopback, which is where Azurite listens. */
function httpsUrlOrLoopbackHttp() {
  return z.url().refine((value) => {
    const url = new URL(value);
    return url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname));
  }, "must be an https:// URL (http:// only on loopback)");
}

export type Settings = z.output<typeof settingsSchema>;

export interface TenantConfig {
  readonly tenantId: string;
  readonly clientId: string;
  /** Undefined only with the federated credential, which reads nothing from a vault. */
  readonly keyVaultUrl: string | undefined;
  readonly clientSecretName: string;
  readonly clientCertificateName: string | undefined;
  readonly authorityHost: string;
  readonly credential: AppCredentialKind;
  /** AZURE_CLIENT_ID: the user-assigned managed identity; undefined means the system-assigned one. */
  readonly managedIdentityClientId: string | undefined;
}

export interface StorageConfig {
  /** Either a connection string or an endpoint for identity-based access. */
  readonly connectionString: string | undefined;
  readonly tableEndpoint: string | undefined;
}

export interface Config {
  readonly tenant: TenantConfig | undefined;
  readonly graph: { readonly endpoint: string; readonly scope: string; readonly userSelect: readonly string[] };
  readonly powerBi: { readonly endpoint: string; readonly scope: string; readonly groups: AdminGroupsQuery };
  readonly storage: StorageConfig;
  /** `resume` continues paused runs and starts on-demand requests. */
  readonly schedules: { readonly users: string; readonly workspaces: string; readonly resume: string };
  readonly retentionDays: number;
  /** A paused or abandoned run that made no progress for this long is marked failed. */
  readonly stallMs: number;
  readonly onInvalidItem: "fail" | "skip";
}

/** The Graph user properties we snapshot by default (all list-safe; see API-FACTS.md). */
export const DEFAULT_USER_SELECT = [
  "id",
  "displayName",
  "userPrincipalName",
  "mail",
  "accountEnabled",
  "userType",
  "createdDateTime",
  "department",
  "jobTitle",
  "companyName",
  "officeLocation",
  "usageLocation",
  "assignedLicenses",
  "onPremisesSyncEnabled",
  "externalUserState",
] as const;

/** A setting is missing or malformed; the message names it. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Parses the environment once into a frozen config; throws ConfigError naming every bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join("; ")}`);
  }
  const settings = parsed.data;
  return deepFreeze({
    tenant: tenantConfig(settings),
    graph: {
      endpoint: settings.GRAPH_ENDPOINT,
      scope: settings.GRAPH_SCOPE,
      userSelect: userSelect(settings.GRAPH_USER_SELECT),
    },
    powerBi: {
      endpoint: settings.POWERBI_ENDPOINT,
      scope: settings.POWERBI_SCOPE,
      groups: {
        top: settings.POWERBI_GROUPS_TOP,
        expand: settings.POWERBI_GROUPS_EXPAND,
        filter: settings.POWERBI_GROUPS_FILTER,
      },
    },
    storage: storageConfig(settings),
    schedules: {
      users: settings.USERS_SYNC_SCHEDULE,
      workspaces: settings.WORKSPACES_SYNC_SCHEDULE,
      resume: settings.INVENTORY_RESUME_SCHEDULE,
    },
    retentionDays: settings.INVENTORY_RETENTION_DAYS,
    stallMs: settings.INVENTORY_STALL_MINUTES * 60_000,
    onInvalidItem: settings.INVENTORY_INVALID_ITEMS,
  });
}

function tenantConfig(settings: Settings): TenantConfig | undefined {
  if (settings.INVENTORY_TENANT_ID === undefined) {
    if (settings.INVENTORY_CLIENT_ID !== undefined) {
      throw new ConfigError("INVENTORY_TENANT_ID: required when INVENTORY_CLIENT_ID is set");
    }
    return undefined;
  }
  const credential =
    settings.INVENTORY_CREDENTIAL ??
    (settings.INVENTORY_CLIENT_CERTIFICATE_NAME === undefined ? "secret" : "certificate");
  // The federated credential reads nothing from Key Vault, so it needs no vault.
  const required =
    credential === "federated"
      ? (["INVENTORY_CLIENT_ID"] as const)
      : (["INVENTORY_CLIENT_ID", "KEY_VAULT_URL"] as const);
  const missing = required.filter((name) => settings[name] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(missing.map((name) => `${name}: required when INVENTORY_TENANT_ID is set`).join("; "));
  }
  if (credential === "certificate" && settings.INVENTORY_CLIENT_CERTIFICATE_NAME === undefined) {
    throw new ConfigError("INVENTORY_CLIENT_CERTIFICATE_NAME: required when INVENTORY_CREDENTIAL is certificate");
  }
  return {
    tenantId: settings.INVENTORY_TENANT_ID.toLowerCase(),
    clientId: settings.INVENTORY_CLIENT_ID!,
    keyVaultUrl: settings.KEY_VAULT_URL,
    clientSecretName: settings.INVENTORY_CLIENT_SECRET_NAME,
    clientCertificateName: settings.INVENTORY_CLIENT_CERTIFICATE_NAME,
    authorityHost: settings.AZURE_AUTHORITY_HOST,
    credential,
    managedIdentityClientId: settings.AZURE_CLIENT_ID,
  };
}

function storageConfig(settings: Settings): StorageConfig {
  const connectionString = settings.INVENTORY_STORAGE ?? settings.AzureWebJobsStorage;
  if (connectionString === undefined && settings.INVENTORY_TABLE_ENDPOINT === undefined) {
    return { connectionString: "UseDevelopmentStorage=true", tableEndpoint: undefined };
  }
  return { connectionString, tableEndpoint: settings.INVENTORY_TABLE_ENDPOINT };
}

function userSelect(value: string | undefined): readonly string[] {
  if (value === undefined) return DEFAULT_USER_SELECT;
  const fields = value.split(",").map((field) => field.trim());
  const bad = fields.find((field) => !/^[A-Za-z][A-Za-z0-9]*$/.test(field));
  if (bad !== undefined) throw new ConfigError(`GRAPH_USER_SELECT: "${bad}" is not a property name`);
  return fields.includes("id") ? fields : ["id", ...fields];
}

/** Loopback hosts are where local fakes live; only they get relaxed host checks. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || hostname === "::1" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** True when the URL points at a loopback host. */
export function isLoopbackUrl(url: string): boolean {
  return isLoopbackHost(new URL(url).hostname);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
