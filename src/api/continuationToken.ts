import { createHmac, timingSafeEqual } from "node:crypto";
import { badRequest } from "./apiError";

/** What a continuation token binds: the route and snapshot it belongs to, and the store's position. */
interface TokenBody {
  /** route, e.g. "users" */
  r: string;
  /** snapshot id, or "" for the snapshot list */
  s: string;
  /** the store's own continuation */
  p: string;
}

/**
 * Continuation tokens are opaque and tamper-evident: base64url JSON plus an HMAC. A token from another route or
 * snapshot, or one that was edited, is rejected with 400 instead of reaching the store.
 */
export class ContinuationTokens {
  constructor(private readonly key: string) {}

  encode(route: string, snapshotId: string, position: string | undefined): string | null {
    if (position === undefined) return null;
    const body = Buffer.from(JSON.stringify({ r: route, s: snapshotId, p: position } satisfies TokenBody)).toString(
      "base64url",
    );
    return `${body}.${this.sign(body)}`;
  }

  decode(route: string, snapshotId: string, token: string | undefined): string | undefined {
    if (token === undefined) return undefined;
    const body = this.open(route, token);
    if (body.s !== snapshotId) {
      throw badRequest("InvalidContinuationToken", "continuationToken belongs to another route or snapshot");
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
    if (parsed?.r !== route || typeof parsed.s !== "string" || typeof parsed.p !== "string") {
      throw badRequest("InvalidContinuationToken", "continuationToken belongs to another route or snapshot");
    }
    return { r: parsed.r, s: parsed.s, p: parsed.p };
  }

  private sign(body: string): string {
    return createHmac("sha256", this.key).update(body).digest("base64url");
  }
}
