import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:https";
import { AccessTokenIssuer } from "./accessTokens";
import { CallLog } from "./callLog";
import { registeredCertificate } from "./clientAssertion";
import { FaultInjector } from "./faultInjector";
import { FederatedCredentials, TOKEN_EXCHANGE_AUDIENCE, type FederatedCredential } from "./federatedCredentials";
import { attachManagedIdentityEndpoint, managedIdentity } from "./managedIdentityEndpoint";
import { PowerBiBudget } from "./powerBiBudget";
import { RequestHandler } from "./requestHandler";
import type { ScannerControl } from "./scannerControl";
import { ScannerService } from "./scannerService";
import type { ScannerOptions } from "./scannerSettings";
import { SimulatedVault } from "./simulatedVault";
import { tenantIssuer, type TenantContext } from "./tenantContext";
import { tenantDrift } from "./tenantDrift";
import { TenantEdits, type TenantEdit } from "./tenantEdits";

/** Key Vault secret names the product reads by default. */
export const CLIENT_SECRET_NAME = "inventory-client-secret";
export const CLIENT_CERTIFICATE_SECRET_NAME = "inventory-client-certificate";
export const DEFAULT_TENANT_ID = "7f3c2a91-5e4b-4d6a-9c1f-2b8e0d4a6c35";

export interface SimulatedTenantOptions {
  /** PEM server certificate for 127.0.0.1 and localhost (see createLoopbackTls). */
  tls: { cert: string; key: string };
  /** Default 3000. */
  users?: number;
  /** Default 200. */
  workspaces?: number;
  /** Data is a pure function of (seed, index). Default 1. */
  seed?: number;
  /** Default a fixed GUID; pass random ones for isolation. */
  tenantId?: string;
  /** Default 3600; short lifetimes test refresh and expiry mid-run. */
  tokenLifetimeSeconds?: number;
  /** After `calls` admin/groups calls, answer 429 with Retry-After until budget.reset(). Default unlimited. */
  powerBiBudget?: { calls: number; retryAfterSeconds: number };
  /** PEM with a certificate (and key): the token endpoint accepts assertions it signs, and the vault holds it. */
  clientCertificatePem?: string;
  /** Make `$skip` paging shift pages after the first back by this many rows (true = 3), as the real service may. */
  unstablePaging?: boolean | number;
  /** The scanner API: its clock (also the clock of edits), budget window, limits, scan delay and expiry. */
  scanner?: ScannerOptions;
  /** The app registration's federated identity credentials (default none); see setFederatedCredentials. */
  federatedCredentials?: readonly FederatedCredential[];
}

/** The settings that make the product present the managed identity as the app's federated credential. */
export type FederatedSettings = {
  readonly INVENTORY_CREDENTIAL: "federated";
  readonly AZURE_CLIENT_ID: string;
};

/** The product's settings for this tenant (an object type, so it also fits `Record<string, string>`). */
export type SimulatedTenantSettings = {
  readonly INVENTORY_TENANT_ID: string;
  readonly INVENTORY_CLIENT_ID: string;
  readonly KEY_VAULT_URL: string;
  readonly AZURE_AUTHORITY_HOST: string;
  readonly GRAPH_ENDPOINT: string;
  readonly POWERBI_ENDPOINT: string;
  readonly IDENTITY_ENDPOINT: string;
  readonly IDENTITY_HEADER: string;
};

export interface SimulatedTenant {
  /** `https://127.0.0.1:PORT`: authority host, vault, Graph and Power BI at once. */
  readonly url: string;
  readonly tenantId: string;
  readonly clientId: string;
  /** Random per instance; stored in the vault as {@link CLIENT_SECRET_NAME}. */
  readonly clientSecret: string;
  readonly identityEndpoint: string;
  readonly identityHeader: string;
  /** The managed identity's client id (what `client_id` on the identity endpoint must name, if sent). */
  readonly managedIdentityClientId: string;
  /** The managed identity's principal (object) id: the subject of its tokens. */
  readonly managedIdentityPrincipalId: string;
  readonly seed: number;
  readonly userCount: number;
  readonly workspaceCount: number;
  /** Settings that point the product at this tenant (the client secret name is left at its default). */
  settings(): SimulatedTenantSettings;
  readonly calls: CallLog;
  readonly faults: FaultInjector;
  /** The Power BI admin API budget: unlimited unless the powerBiBudget option or limit() sets one. */
  readonly budget: { reset(): void; remaining(): number; limit(calls: number, retryAfterSeconds: number): void };
  /** The scanner API (admin/workspaces/*): its clock, budgets, scans, and the truth tests compare snapshots with. */
  readonly scanner: ScannerControl;
  /** Changes users and workspaces from now on, as admins do between two syncs (counts above stay the generated ones). */
  edit(changes: TenantEdit): void;
  /** Makes the next small change of a tenant left running (tenantDrift), and says what it was. */
  drift(): TenantEdit;
  /** Adds a new version of a vault secret, or removes the secret when `value` is undefined. */
  setSecret(name: string, value: string | undefined): void;
  /** The federated credential that trusts the managed identity (the README's `az ad app federated-credential create`). */
  managedIdentityFederatedCredential(name?: string): FederatedCredential;
  /** Replaces the app's federated credentials (Graph's limits apply: unique names and issuer+subject, one audience). */
  setFederatedCredentials(credentials: readonly FederatedCredential[]): void;
  /**
   * The secretless setup: trusts the managed identity as the app's only federated credential, removes the client
   * secret from the vault, and returns the settings that select it.
   */
  useFederatedCredential(): FederatedSettings;
  /** From now on the identity endpoint answers tokens issued this long ago (0: fresh), as a stale token cache would. */
  setManagedIdentityTokenAge(seconds: number): void;
  close(): Promise<void>;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer`);
  return value;
}

/** Entra client secrets look like `abc8Q~…`, 40 characters that include `~`, `.`, `_` and `-`. */
function entraLikeSecret(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~-";
  const pick = (count: number): string =>
    Array.from({ length: count }, () => alphabet[randomInt(alphabet.length)]).join("");
  return `${pick(3)}8Q~${pick(34)}`;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : 0);
    });
  });
}

/**
 * Starts the simulated tenant: Entra token and discovery endpoints, the App Service managed-identity endpoint, Key
 * Vault secrets, Graph users and Power BI admin groups, on one HTTPS origin on loopback.
 */
export async function startSimulatedTenant(options: SimulatedTenantOptions): Promise<SimulatedTenant> {
  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
  if (!(tokenLifetimeSeconds > 0)) throw new RangeError("tokenLifetimeSeconds must be positive");
  const unstable = options.unstablePaging ?? false;
  const budget = new PowerBiBudget();
  if (options.powerBiBudget !== undefined)
    budget.limit(options.powerBiBudget.calls, options.powerBiBudget.retryAfterSeconds);
  const vault = new SimulatedVault();
  const seed = options.seed ?? 1;
  const workspaces = nonNegativeInteger("workspaces", options.workspaces ?? 200);
  const edits = new TenantEdits();
  const scanner = new ScannerService(seed, workspaces, edits, options.scanner);
  const server = createServer({ cert: options.tls.cert, key: options.tls.key });
  const url = `https://127.0.0.1:${await listen(server)}`;
  const context: TenantContext = {
    url,
    tenantId: options.tenantId ?? DEFAULT_TENANT_ID,
    clientId: randomUUID(),
    clientSecret: entraLikeSecret(),
    servicePrincipalId: randomUUID(),
    seed,
    users: nonNegativeInteger("users", options.users ?? 3000),
    workspaces,
    edits,
    tokenLifetimeSeconds,
    unstablePagingRows: unstable === true ? 3 : unstable === false ? 0 : nonNegativeInteger("unstablePaging", unstable),
    appTokens: new AccessTokenIssuer(),
    certificate:
      options.clientCertificatePem === undefined ? undefined : registeredCertificate(options.clientCertificatePem),
    federatedCredentials: new FederatedCredentials(),
    managedIdentityTokenAge: { seconds: 0 },
    calls: new CallLog(),
    budget,
    vault,
    scanner,
    pagingKey: randomBytes(32),
  };
  context.federatedCredentials.set(options.federatedCredentials ?? []);
  vault.set(CLIENT_SECRET_NAME, context.clientSecret);
  if (options.clientCertificatePem !== undefined) {
    vault.set(CLIENT_CERTIFICATE_SECRET_NAME, options.clientCertificatePem, "application/x-pem-file");
  }
  const faults = new FaultInjector();
  const handler = new RequestHandler(context, faults);
  server.on("request", handler.listener());
  const identity = await attachManagedIdentityEndpoint(handler.listener("msi"));
  let closing: Promise<void> | undefined;
  let drifts = 0;
  const managedIdentityFederatedCredential = (name = "inventory-function"): FederatedCredential => ({
    name,
    issuer: tenantIssuer(context),
    subject: managedIdentity.objectId,
    audiences: [TOKEN_EXCHANGE_AUDIENCE],
  });

  return {
    url,
    tenantId: context.tenantId,
    clientId: context.clientId,
    clientSecret: context.clientSecret,
    identityEndpoint: identity.endpoint,
    identityHeader: managedIdentity.header,
    managedIdentityClientId: managedIdentity.clientId,
    managedIdentityPrincipalId: managedIdentity.objectId,
    seed: context.seed,
    userCount: context.users,
    workspaceCount: context.workspaces,
    settings: () => ({
      INVENTORY_TENANT_ID: context.tenantId,
      INVENTORY_CLIENT_ID: context.clientId,
      KEY_VAULT_URL: url,
      AZURE_AUTHORITY_HOST: url,
      GRAPH_ENDPOINT: url,
      POWERBI_ENDPOINT: url,
      IDENTITY_ENDPOINT: identity.endpoint,
      IDENTITY_HEADER: managedIdentity.header,
    }),
    calls: context.calls,
    faults,
    budget,
    scanner,
    edit: (changes) => context.edits.apply(changes, scanner.now()),
    drift: () => {
      const change = tenantDrift(context.seed, ++drifts, context.users, context.workspaces);
      context.edits.apply(change, scanner.now());
      return change;
    },
    setSecret: (name, value) => vault.set(name, value),
    managedIdentityFederatedCredential,
    setFederatedCredentials: (credentials) => context.federatedCredentials.set(credentials),
    useFederatedCredential: () => {
      context.federatedCredentials.set([managedIdentityFederatedCredential()]);
      vault.set(CLIENT_SECRET_NAME, undefined);
      return { INVENTORY_CREDENTIAL: "federated", AZURE_CLIENT_ID: managedIdentity.clientId };
    },
    setManagedIdentityTokenAge: (seconds) => {
      context.managedIdentityTokenAge.seconds = nonNegativeInteger("seconds", seconds);
    },
    close: () => {
      closing ??= (async () => {
        handler.releaseAll();
        await Promise.all([
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
          identity.detach(),
        ]);
      })();
      return closing;
    },
  };
}
