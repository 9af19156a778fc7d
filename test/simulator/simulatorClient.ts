import { randomUUID } from "node:crypto";
import {
  startSimulatedTenant,
  type SimulatedTenant,
  type SimulatedTenantOptions,
} from "../../dev/simulator/simulatedTenant";
import { readSimulatorTls } from "../../dev/simulator/tls";

export const GRAPH = "https://graph.microsoft.com";
export const POWER_BI = "https://analysis.windows.net/powerbi/api";
export const VAULT = "https://vault.azure.net";

/** A simulated tenant with a random tenant id, on the certificate the test run trusts (SIMULATOR_TLS_DIR). */
export async function startTenant(options: Omit<SimulatedTenantOptions, "tls"> = {}): Promise<SimulatedTenant> {
  const dir = process.env.SIMULATOR_TLS_DIR;
  if (dir === undefined) throw new Error("Set SIMULATOR_TLS_DIR (and NODE_EXTRA_CA_CERTS to its cert.pem)");
  return startSimulatedTenant({ tenantId: randomUUID(), ...options, tls: await readSimulatorTls(dir) });
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** A raw client-credentials request, without MSAL, so tests control every form field. */
export async function requestToken(tenant: SimulatedTenant, form: Record<string, string>, tenantId = tenant.tenantId) {
  const response = await fetch(`${tenant.url}/${tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> } satisfies TokenAnswer;
}

/** An access token for `resource` from the tenant's token endpoint. */
export async function tokenFor(tenant: SimulatedTenant, resource: string): Promise<string> {
  const answer = await requestToken(tenant, {
    grant_type: "client_credentials",
    client_id: tenant.clientId,
    client_secret: tenant.clientSecret,
    scope: `${resource}/.default`,
  });
  if (answer.status !== 200) throw new Error(`token request failed: ${JSON.stringify(answer.body)}`);
  return answer.body.access_token as string;
}

export interface JsonAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** GET a path on the tenant with a bearer token, parsing the JSON answer. */
export async function getJson(tenant: SimulatedTenant, pathOrUrl: string, token?: string): Promise<JsonAnswer> {
  const url = pathOrUrl.startsWith("https://") ? pathOrUrl : `${tenant.url}${pathOrUrl}`;
  const response = await fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** The `error.code` of a Graph, Power BI or Key Vault error body. */
export function errorCode(body: unknown): unknown {
  return (body as { error?: { code?: unknown } }).error?.code;
}

/** The claims of a JWT, unverified. */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

const IDENTITY_VARIABLES = ["IDENTITY_ENDPOINT", "IDENTITY_HEADER"] as const;
const originalIdentity = IDENTITY_VARIABLES.map((name) => [name, process.env[name]] as const);

/** Points managed-identity credentials built from now on at the tenant's identity endpoint (they read env at build). */
export function useManagedIdentityOf(tenant: SimulatedTenant): void {
  process.env.IDENTITY_ENDPOINT = tenant.identityEndpoint;
  process.env.IDENTITY_HEADER = tenant.identityHeader;
}

/** Puts the managed-identity variables back as the test file found them. */
export function restoreManagedIdentityEnvironment(): void {
  for (const [name, value] of originalIdentity) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
