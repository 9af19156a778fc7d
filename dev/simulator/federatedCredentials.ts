import type { AccessTokenIssuer } from "./accessTokens";

/** The audience a federated credential names for Entra's token exchange (public cloud). */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";
/**
 * The app id of Entra's token exchange endpoint: a managed identity's token for {@link TOKEN_EXCHANGE_AUDIENCE} is a
 * v2.0 token, which carries the resource's app id as `aud`. Entra maps one to the other when it matches a credential.
 */
export const TOKEN_EXCHANGE_APP_ID = "fb60f99c-7a34-4190-8149-302f77469936";

/** A federated identity credential of an app registration, as Microsoft Graph's federatedIdentityCredential has it. */
export interface FederatedCredential {
  readonly name: string;
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly string[];
}

const MAX_CREDENTIALS = 20;
const CLOCK_SKEW_SECONDS = 300;
const FEDERATION_DOCS = "https://learn.microsoft.com/entra/workload-id/workload-identity-federation";
const CHECK =
  "Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.";

/** The app registration's federated identity credentials, with the limits Graph enforces when they are written. */
export class FederatedCredentials {
  private current: readonly FederatedCredential[] = [];

  /** Replaces every credential; throws on what Graph refuses: a name or issuer+subject twice, not one audience, >20. */
  set(credentials: readonly FederatedCredential[]): void {
    if (credentials.length > MAX_CREDENTIALS)
      throw new RangeError(`an app holds at most ${MAX_CREDENTIALS} federated credentials`);
    const names = new Set(credentials.map((credential) => credential.name));
    const pairs = new Set(credentials.map((credential) => `${credential.issuer}\n${credential.subject}`));
    if (names.size < credentials.length) throw new RangeError("federated credential names must be unique");
    if (pairs.size < credentials.length) throw new RangeError("issuer and subject together must be unique");
    if (credentials.some((credential) => credential.audiences.length !== 1))
      throw new RangeError("a federated credential has exactly one audience");
    this.current = credentials.map((credential) => ({ ...credential, audiences: [...credential.audiences] }));
  }

  all(): readonly FederatedCredential[] {
    return this.current;
  }
}

interface AssertionClaims {
  iss?: unknown;
  sub?: unknown;
  aud?: unknown;
  exp?: unknown;
  nbf?: unknown;
}

function decodeClaims(assertion: string): AssertionClaims | undefined {
  const parts = assertion.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8")) as unknown;
    return typeof claims === "object" && claims !== null ? claims : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a client assertion is a federated one (a token some other issuer gave the workload) rather than one the
 * app signed with its certificate, whose issuer is the app itself; Entra tells them apart the same way.
 */
export function isFederatedAssertion(assertion: string, clientId: string): boolean {
  const issuer = decodeClaims(assertion)?.iss;
  return typeof issuer === "string" && issuer.toLowerCase() !== clientId.toLowerCase();
}

/** Entra's timestamps in AADSTS messages: seven fractional digits. */
function entraTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}

/**
 * Checks a federated client assertion as Entra does: a credential whose issuer, subject (both case-sensitive) and
 * audience match the token's claims, the token signed by its issuer (here only the managed identity can be one), and
 * within its lifetime. Returns undefined when accepted, otherwise the AADSTS description.
 */
export function checkFederatedAssertion(
  assertion: string,
  credentials: readonly FederatedCredential[],
  issuerKeys: AccessTokenIssuer,
): string | undefined {
  const claims = decodeClaims(assertion);
  if (claims === undefined) return "AADSTS50027: JWT token is invalid or malformed.";
  const text = (claim: unknown): string => (typeof claim === "string" ? claim : "");
  const [iss, sub, aud] = [text(claims.iss), text(claims.sub), text(claims.aud)];
  if (credentials.length === 0) {
    return `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${iss}'. Assertion Subject: '${sub}'. Assertion Audience: '${aud}'. ${FEDERATION_DOCS}`;
  }
  const byIssuer = credentials.filter((credential) => credential.issuer === iss);
  if (byIssuer.length === 0) {
    return `AADSTS700211: No matching federated identity record found for presented assertion issuer '${iss}'. ${CHECK} ${FEDERATION_DOCS}`;
  }
  const bySubject = byIssuer.filter((credential) => credential.subject === sub);
  if (bySubject.length === 0) {
    return `AADSTS700213: No matching federated identity record found for presented assertion subject '${sub}'. ${CHECK} ${FEDERATION_DOCS}`;
  }
  const audiences = aud === TOKEN_EXCHANGE_APP_ID ? [aud, TOKEN_EXCHANGE_AUDIENCE] : [aud];
  if (!bySubject.some((credential) => credential.audiences.some((audience) => audiences.includes(audience)))) {
    return `AADSTS700212: No matching federated identity record found for presented assertion audience '${aud}'. ${CHECK} ${FEDERATION_DOCS}`;
  }
  const check = issuerKeys.verify(assertion, aud);
  if (!check.ok && check.reason !== "expired") {
    return "AADSTS50013: Assertion failed signature validation. [Reason - The key was not found.]";
  }
  const now = Date.now() / 1000;
  const exp = typeof claims.exp === "number" ? claims.exp : 0;
  const nbf = typeof claims.nbf === "number" ? claims.nbf : 0;
  if (exp < now - CLOCK_SKEW_SECONDS || nbf > now + CLOCK_SKEW_SECONDS) {
    return `AADSTS700024: Client assertion is not within its valid time range. Current time: ${entraTime(now)}, assertion valid from ${entraTime(nbf)}, expiry time of assertion ${entraTime(exp)}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`;
  }
  return undefined;
}
