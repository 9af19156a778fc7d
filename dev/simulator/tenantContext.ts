import { bearerToken, type AccessTokenIssuer, type TokenCheck } from "./accessTokens";
import type { CallLog } from "./callLog";
import type { RegisteredCertificate } from "./clientAssertion";
import type { FederatedCredentials } from "./federatedCredentials";
import type { SimRequest } from "./httpReply";
import { managedIdentity } from "./managedIdentityEndpoint";
import type { PowerBiBudget } from "./powerBiBudget";
import type { ScannerService } from "./scannerService";
import type { SimulatedVault } from "./simulatedVault";
import type { TenantEdits } from "./tenantEdits";
import type { TenantSkus } from "./tenantSkus";

/** Token audiences, as the resources' `/.default` scopes and the managed-identity `resource` parameter name them. */
export const RESOURCES = {
  graph: "https://graph.microsoft.com",
  powerBi: "https://analysis.windows.net/powerbi/api",
  vault: "https://vault.azure.net",
} as const;

/** What the route handlers of one simulated tenant share. */
export interface TenantContext {
  readonly url: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The app registration's service principal: the `oid` of its tokens. */
  readonly servicePrincipalId: string;
  readonly seed: number;
  readonly users: number;
  readonly workspaces: number;
  /** Data changes made after start (tenant.edit); the counts above are the generated ones. */
  readonly edits: TenantEdits;
  /** The subscribed SKUs, their seats counted over the users as edited. */
  readonly skus: TenantSkus;
  readonly tokenLifetimeSeconds: number;
  readonly unstablePagingRows: number;
  readonly appTokens: AccessTokenIssuer;
  readonly certificate: RegisteredCertificate | undefined;
  /** The app's federated identity credentials: which managed identity tokens it accepts as client assertions. */
  readonly federatedCredentials: FederatedCredentials;
  /** How long ago the identity endpoint's tokens were issued (0: now); a stale token is an expired assertion. */
  readonly managedIdentityTokenAge: { seconds: number };
  readonly calls: CallLog;
  readonly budget: PowerBiBudget;
  readonly vault: SimulatedVault;
  /** The scanner API's budgets, scans and clock. */
  readonly scanner: ScannerService;
  /** Signs Graph skip tokens so forged ones are refused. */
  readonly pagingKey: Buffer;
}

/** Validates the request's bearer token for `audience`: tokens of this tenant's token endpoint or of the managed identity. */
export function checkToken(context: TenantContext, request: SimRequest, audience: string): TokenCheck {
  const token = bearerToken(request.headers.authorization);
  const asApp = context.appTokens.verify(token, audience);
  if (asApp.ok || asApp.reason !== "signature") return asApp;
  return managedIdentity.tokens.verify(token, audience);
}

/** The issuer of the managed identity's v2.0 tokens, as Entra names a tenant: `{authority}/{tenant}/v2.0`. */
export function tenantIssuer(context: TenantContext): string {
  return `${context.url}/${context.tenantId}/v2.0`;
}

/** The origin the client used (127.0.0.1 or localhost), so links and metadata match the host it trusts. */
export function requestOrigin(context: TenantContext, request: SimRequest): string {
  const host = request.headers.host ?? "";
  const port = new URL(context.url).port;
  return host === `localhost:${port}` ? `https://${host}` : context.url;
}
