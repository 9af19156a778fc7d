import { z } from "zod";
import { guidSetting, httpsUrlSetting, integerSetting, ncrontabSetting, optionalTextSetting } from "./settings";

/** How the app registration proves itself (INVENTORY_CREDENTIAL). */
export const APP_CREDENTIALS = ["secret", "certificate", "federated"] as const;
export type AppCredentialKind = (typeof APP_CREDENTIALS)[number];

/**
 * The app settings every deployment reads, with their defaults; each kind of snapshot adds its own (its schedule,
 * its upstream options), and all are parsed together. The names are the public contract (PRODUCT.md).
 */
const baseSettings = {
  INVENTORY_TENANT_ID: guidSetting.optional(),
  INVENTORY_CLIENT_ID: guidSetting.optional(),
  KEY_VAULT_URL: httpsUrlSetting.optional(),
  INVENTORY_CLIENT_SECRET_NAME: z.string().trim().min(1).default("inventory-client-secret"),
  INVENTORY_CLIENT_CERTIFICATE_NAME: optionalTextSetting,
  INVENTORY_CREDENTIAL: optionalTextSetting.pipe(z.enum(APP_CREDENTIALS).optional()),
  AZURE_CLIENT_ID: optionalTextSetting.pipe(guidSetting.optional()),
  AZURE_AUTHORITY_HOST: httpsUrlSetting.default("https://login.microsoftonline.com"),
  GRAPH_ENDPOINT: httpsUrlSetting.default("https://graph.microsoft.com"),
  GRAPH_SCOPE: z.string().trim().min(1).default("https://graph.microsoft.com/.default"),
  POWERBI_ENDPOINT: httpsUrlSetting.default("https://api.powerbi.com"),
  POWERBI_SCOPE: z.string().trim().min(1).default("https://analysis.windows.net/powerbi/api/.default"),
  INVENTORY_STORAGE: optionalTextSetting,
  AzureWebJobsStorage: optionalTextSetting,
  INVENTORY_TABLE_ENDPOINT: httpsUrlOrLoopbackHttp().optional(),
  // Table names are 3 to 63 letters and digits, starting with a letter; the longest name the product adds is 18.
  INVENTORY_TABLE_PREFIX: optionalTextSetting.pipe(
    z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{0,44}$/, "must be a letter, then up to 44 letters or digits")
      .optional(),
  ),
  INVENTORY_RESUME_SCHEDULE: ncrontabSetting("0 * * * * *"),
  INVENTORY_RETENTION_DAYS: integerSetting(1, 3650, 30),
  INVENTORY_STALL_MINUTES: integerSetting(5, 7 * 24 * 60, 180),
  // Below Flex Consumption's default function timeout of 30 minutes (host.json), so a run saves its place in time.
  INVENTORY_INVOCATION_MINUTES: integerSetting(1, 24 * 60, 25),
  INVENTORY_INVALID_ITEMS: z.enum(["fail", "skip"]).default("fail"),
};

/** The names of the settings every deployment reads (docs/settings.md lists them, with each kind's own). */
export const BASE_SETTING_NAMES: readonly string[] = Object.keys(baseSettings);

/** The settings a kind of snapshot adds: names and types, merged into the one schema the configuration is parsed with. */
export type SettingsShape = Readonly<Record<string, z.ZodType>>;

/** Table endpoints may be plain http only on loopback, which is where Azurite listens. */
function httpsUrlOrLoopbackHttp() {
  return z.url().refine((value) => {
    const url = new URL(value);
    return url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname));
  }, "must be an https:// URL (http:// only on loopback)");
}

type Settings = z.output<z.ZodObject<typeof baseSettings>>;

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
  /** Put before each table's name, so several inventories can share one storage account; none when absent. */
  readonly tablePrefix?: string;
}

/** Where one upstream service is and the scope of its tokens. */
export interface UpstreamEndpoint {
  readonly endpoint: string;
  readonly scope: string;
}

export interface Config {
  readonly tenant: TenantConfig | undefined;
  readonly upstream: { readonly graph: UpstreamEndpoint; readonly powerbi: UpstreamEndpoint };
  readonly storage: StorageConfig;
  /** Continues paused runs and starts on-demand requests. */
  readonly resumeSchedule: string;
  readonly retentionDays: number;
  /** A paused or abandoned run that made no progress for this long is marked failed. */
  readonly stallMs: number;
  /** How long one invocation may run: before that it saves its position and pauses, and the resume timer goes on. */
  readonly invocationMs: number;
  readonly onInvalidItem: "fail" | "skip";
  /** Every setting as parsed, the kinds' own included; each kind reads its own when it is configured. */
  readonly settings: Readonly<Record<string, unknown>>;
}

/** A setting is missing or malformed; the message names it. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/**
 * Parses the environment once, with the base settings and every kind's own (`kindSettings`), into a frozen config;
 * throws ConfigError naming every bad setting.
 */
export function loadConfig(env: NodeJS.ProcessEnv, kindSettings: readonly SettingsShape[]): Config {
  const names = kindSettings.flatMap((shape) => Object.keys(shape));
  const clash = names.find((name, index) => name in baseSettings || names.indexOf(name) !== index);
  if (clash !== undefined) throw new Error(`the setting ${clash} is declared twice`);
  const schema = z.object(Object.assign({}, ...kindSettings, baseSettings) as typeof baseSettings);
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join("; ")}`);
  }
  const settings = parsed.data;
  return deepFreeze({
    tenant: tenantConfig(settings),
    upstream: {
      graph: { endpoint: settings.GRAPH_ENDPOINT, scope: settings.GRAPH_SCOPE },
      powerbi: { endpoint: settings.POWERBI_ENDPOINT, scope: settings.POWERBI_SCOPE },
    },
    storage: storageConfig(settings),
    resumeSchedule: settings.INVENTORY_RESUME_SCHEDULE,
    retentionDays: settings.INVENTORY_RETENTION_DAYS,
    stallMs: settings.INVENTORY_STALL_MINUTES * 60_000,
    invocationMs: settings.INVENTORY_INVOCATION_MINUTES * 60_000,
    onInvalidItem: settings.INVENTORY_INVALID_ITEMS,
    settings,
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
  const tablePrefix = settings.INVENTORY_TABLE_PREFIX;
  if (connectionString === undefined && settings.INVENTORY_TABLE_ENDPOINT === undefined) {
    return { connectionString: "UseDevelopmentStorage=true", tableEndpoint: undefined, tablePrefix };
  }
  return { connectionString, tableEndpoint: settings.INVENTORY_TABLE_ENDPOINT, tablePrefix };
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

/** The configured tenant; syncing and serving need one. */
export function requireTenant(config: Config): TenantConfig {
  if (config.tenant === undefined) {
    throw new ConfigError(
      "INVENTORY_TENANT_ID: not set; set it (with INVENTORY_CLIENT_ID, and KEY_VAULT_URL unless INVENTORY_CREDENTIAL=federated) to sync a tenant",
    );
  }
  return config.tenant;
}
