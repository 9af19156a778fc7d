import { ApiError } from "../../src/api/apiError";
import { ContinuationTokens } from "../../src/api/continuationToken";

describe("continuation tokens", () => {
  const tokens = new ContinuationTokens("key");

  it("round-trips a position for the same route and snapshot", () => {
    const token = tokens.encode("users", "s1", "position-1")!;
    expect(token).not.toContain("position-1");
    expect(tokens.decode("users", "s1", token)).toBe("position-1");
  });

  it("encodes the end of the list as null", () => {
    expect(tokens.encode("users", "s1", undefined)).toBeNull();
  });

  it.each([
    ["another snapshot", (token: string) => tokens.decode("users", "s2", token)],
    ["another route", (token: string) => tokens.decode("workspaces", "s1", token)],
    ["an edited body", (token: string) => tokens.decode("users", "s1", `x${token}`)],
    ["an edited signature", (token: string) => tokens.decode("users", "s1", `${token}x`)],
    ["another key", (token: string) => new ContinuationTokens("other").decode("users", "s1", token)],
    ["garbage", () => tokens.decode("users", "s1", "%%%.###")],
    ["three parts", (token: string) => tokens.decode("users", "s1", `${token}.x`)],
  ])("rejects a token from %s with 400", (_, decode) => {
    const token = tokens.encode("users", "s1", "position-1")!;
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
