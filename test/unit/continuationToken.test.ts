import { randomBytes } from "node:crypto";
import { ApiError } from "../../src/api/apiError";
import { ContinuationTokens, tenantTokenKey, type TokenScope } from "../../src/api/continuationToken";

describe("continuation tokens", () => {
  const secret = randomBytes(32);
  const tokens = new ContinuationTokens(tenantTokenKey(secret, "tenant-a"));
  const scope: TokenScope = { route: "users", snapshot: "s1", query: { userType: "Guest", fields: ["id"] } };

  it("round-trips a position for the same route, snapshot and query", () => {
    const token = tokens.encode(scope, "position-1")!;
    expect(token).not.toContain("position-1");
    expect(tokens.decode(scope, token)).toBe("position-1");
  });

  it("binds the query whatever the order of its parameters, and ignores those left undefined", () => {
    const token = tokens.encode(scope, "position-1")!;
    const reordered = {
      route: "users",
      snapshot: "s1",
      query: { fields: ["id"], search: undefined, userType: "Guest" },
    };
    expect(tokens.decode(reordered, token)).toBe("position-1");
  });

  it("encodes the end of the list as null", () => {
    expect(tokens.encode(scope, undefined)).toBeNull();
  });

  it.each([
    ["another snapshot", (token: string) => tokens.decode({ ...scope, snapshot: "s2" }, token)],
    ["another route", (token: string) => tokens.decode({ ...scope, route: "workspaces" }, token)],
    [
      "other filters",
      (token: string) => tokens.decode({ ...scope, query: { userType: "Member", fields: ["id"] } }, token),
    ],
    ["other fields", (token: string) => tokens.decode({ ...scope, query: { userType: "Guest" } }, token)],
    ["an edited body", (token: string) => tokens.decode(scope, `x${token}`)],
    ["an edited signature", (token: string) => tokens.decode(scope, `${token}x`)],
    [
      "another tenant",
      (token: string) => new ContinuationTokens(tenantTokenKey(secret, "tenant-b")).decode(scope, token),
    ],
    [
      "another deployment",
      (token: string) => new ContinuationTokens(tenantTokenKey(randomBytes(32), "tenant-a")).decode(scope, token),
    ],
    ["garbage", () => tokens.decode(scope, "%%%.###")],
    ["three parts", (token: string) => tokens.decode(scope, `${token}.x`)],
  ])("rejects a token from %s with 400", (_, decode) => {
    const token = tokens.encode(scope, "position-1")!;
    let caught: unknown;
    try {
      decode(token);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ApiError);
    expect(caught).toMatchObject({ status: 400, code: "InvalidContinuationToken" });
  });
});
