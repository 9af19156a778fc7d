import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { badRequest } from "./apiError";

/** What a continuation token is good for: a route, a snapshot (or pair), and the filters and fields of the query. */
export interface TokenScope {
  /** e.g. "users", or "snapshots:users" for the snapshot list */
  route: string;
  /** snapshot id, a pair of ids, or "" for the snapshot list */
  snapshot: string;
  /** The parameters that choose what is listed: the filters and `fields`, never `top` or the token itself. */
  query: Readonly<Record<string, unknown>>;
}

/** What a token carries, signed. */
interface TokenBody {
  /** route */
  r: string;
  /** snapshot */
  s: string;
  /** a digest of the query it was issued for */
  q: string;
  /** the store's position */
  p: string;
}

/**
 * Continuation tokens are opaque and tamper-evident: base64url JSON plus an HMAC under a key only this deployment
 * knows (a random secret kept in storage, bound to the tenant). A token from another route, snapshot, tenant or
 * query, or one that was edited, is rejected with 400 instead of reaching the store.
 */
export class ContinuationTokens {
  constructor(private readonly key: Buffer) {}

  encode(scope: TokenScope, position: string | undefined): string | null {
    if (position === undefined) return null;
    const body: TokenBody = { r: scope.route, s: scope.snapshot, q: queryDigest(scope.query), p: position };
    const encoded = Buffer.from(JSON.stringify(body)).toString("base64url");
    return `${encoded}.${this.sign(encoded)}`;
  }

  /** The position a genuine token of this scope holds; 400 for anything else. */
  decode(scope: TokenScope, token: string | undefined): string | undefined {
    if (token === undefined) return undefined;
    const body = this.open(scope.route, token);
    if (body.s !== scope.snapshot) {
      throw badRequest("InvalidContinuationToken", "continuationToken belongs to another route or snapshot");
    }
    if (body.q !== queryDigest(scope.query)) {
      throw badRequest(
        "InvalidContinuationToken",
        "continuationToken was issued for other filters or fields: repeat the first page's parameters with it",
      );
    }
    return body.p;
  }

  /** The snapshot a genuine token of `route` was issued for; lets `latest` keep paging the snapshot it started. */
  snapshotOf(route: string, token: string): string {
    return this.open(route, token).s;
  }

  private open(route: string, token: string): TokenBody {
    const invalid = badRequest("InvalidContinuationToken", "continuationToken is not a token this route issued");
    const [body, signature, extra] = token.split(".");
    if (body === undefined || signature === undefined || extra !== undefined) throw invalid;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid;
    let parsed: Partial<TokenBody> | null;
    try {
      parsed = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Partial<TokenBody> | null;
    } catch {
      throw invalid;
    }
    const { r, s, q, p } = parsed ?? {};
    if (r !== route || typeof s !== "string" || typeof q !== "string" || typeof p !== "string") {
      throw badRequest("InvalidContinuationToken", "continuationToken belongs to another route or snapshot");
    }
    return { r, s, q, p };
  }

  private sign(body: string): string {
    return createHmac("sha256", this.key).update(body).digest("base64url");
  }
}

/** The query's parameters in a stable order, digested: equal queries give equal digests, whatever the order. */
function queryDigest(query: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(query)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash("sha256").update(JSON.stringify(entries)).digest("base64url").slice(0, 22);
}

/** The key for one tenant's tokens, from the deployment's secret: a token of one tenant never opens for another. */
export function tenantTokenKey(secret: Buffer, tenantId: string): Buffer {
  return createHmac("sha256", secret).update(`continuation-tokens|${tenantId}`).digest();
}
