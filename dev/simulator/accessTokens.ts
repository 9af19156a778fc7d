import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";

/** The claims of a simulated Entra access token (a subset of what Entra puts in app-only tokens). */
export interface AccessTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  tid: string;
  /** The client the token was issued to: `appid` in v1.0 tokens, `azp` in v2.0 ones. */
  appid?: string;
  azp?: string;
  oid: string;
  sub: string;
  idtyp: "app";
  ver: "1.0" | "2.0";
  jti: string;
  roles: string[];
}

export type TokenCheck =
  | { readonly ok: true; readonly claims: AccessTokenClaims }
  | { readonly ok: false; readonly reason: "missing" | "malformed" | "signature" | "audience" | "expired" };

const HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");

/** How a token departs from a fresh v1.0 one: a v2.0 `issuer` (which makes it a v2.0 token) or an earlier issue time. */
export interface IssueOptions {
  readonly issuer?: string;
  /** Seconds since the epoch; default now. */
  readonly issuedAt?: number;
}

/** Signs and checks HS256 access tokens with a key of its own, so tokens from another issuer never validate. */
export class AccessTokenIssuer {
  private readonly key = randomBytes(32);

  /** A signed token for `audience`, valid from now (or `issuedAt`) for `lifetimeSeconds`, with a random `jti`. */
  issue(
    identity: { tenantId: string; appId: string; objectId: string },
    audience: string,
    lifetimeSeconds: number,
    options: IssueOptions = {},
  ): { token: string; claims: AccessTokenClaims } {
    const now = options.issuedAt ?? Math.floor(Date.now() / 1000);
    const v2 = options.issuer !== undefined;
    const claims: AccessTokenClaims = {
      aud: audience,
      iss: options.issuer ?? `https://sts.windows.net/${identity.tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + lifetimeSeconds,
      tid: identity.tenantId,
      ...(v2 ? { azp: identity.appId } : { appid: identity.appId }),
      oid: identity.objectId,
      sub: identity.objectId,
      idtyp: "app",
      ver: v2 ? "2.0" : "1.0",
      jti: randomUUID(),
      roles: [],
    };
    const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
    return { token: `${HEADER}.${payload}.${this.sign(`${HEADER}.${payload}`)}`, claims };
  }

  /** Checks signature, audience and expiry (no clock skew: short-lived tokens must really expire). */
  verify(token: string | undefined, audience: string): TokenCheck {
    if (token === undefined || token === "") return { ok: false, reason: "missing" };
    const [header, payload, signature, ...rest] = token.split(".");
    if (header === undefined || payload === undefined || signature === undefined || rest.length > 0) {
      return { ok: false, reason: "malformed" };
    }
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const actual = Buffer.from(signature);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual))
      return { ok: false, reason: "signature" };
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as AccessTokenClaims;
    if (claims.aud !== audience) return { ok: false, reason: "audience" };
    if (claims.exp <= Date.now() / 1000) return { ok: false, reason: "expired" };
    return { ok: true, claims };
  }

  private sign(input: string): string {
    return createHmac("sha256", this.key).update(input).digest("base64url");
  }
}

/** The bearer token of an `Authorization` header, or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  return match?.[1];
}
