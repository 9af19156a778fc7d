import type { AccessToken, TokenCredential } from "@azure/core-auth";
import {
  createHttpHeaders,
  RestError,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { createUpstreamClient } from "../../src/upstream/upstreamClient";
import { UpstreamError } from "../../src/upstream/upstreamError";

type Answer = { status: number; body?: string; headers?: Record<string, string> } | Error;

/** A transport that answers from a script and records what it was sent. */
function scriptedTransport(answers: Answer[]) {
  const requests: PipelineRequest[] = [];
  const client: HttpClient = {
    sendRequest(request) {
      requests.push(request);
      const answer = answers.shift();
      if (answer === undefined) return Promise.reject(new Error(`unexpected request ${request.url}`));
      if (answer instanceof Error) return Promise.reject(answer);
      const response: PipelineResponse = {
        request,
        status: answer.status,
        headers: createHttpHeaders(answer.headers ?? {}),
        bodyAsText: answer.body ?? "",
      };
      return Promise.resolve(response);
    },
  };
  return { client, requests };
}

const credential: TokenCredential = {
  getToken: (): Promise<AccessToken> =>
    Promise.resolve({ token: "fake-token", expiresOnTimestamp: Date.now() + 3_600_000 }),
};

function clientWith(answers: Answer[], maxRetryAfterMs = 60_000) {
  const transport = scriptedTransport(answers);
  const sleeps: number[] = [];
  const client = createUpstreamClient({
    service: "graph",
    baseUrl: "https://graph.example",
    scope: "https://graph.microsoft.com/.default",
    credential,
    httpClient: transport.client,
    retry: {
      maxRetries: 3,
      baseDelayMs: 100,
      maxDelayMs: 1_000,
      maxRetryAfterMs,
      sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
    },
  });
  return { client, sleeps, requests: transport.requests };
}

describe("upstream client", () => {
  it("sends a bearer token, a user agent and the query", async () => {
    const { client, requests } = clientWith([{ status: 200, body: '{"value":[]}' }]);
    await expect(client.getJson("/v1.0/users", { $top: "999", $skip: undefined })).resolves.toEqual({ value: [] });
    expect(requests[0]!.url).toBe("https://graph.example/v1.0/users?%24top=999");
    expect(requests[0]!.headers.get("authorization")).toBe("Bearer fake-token");
    expect(requests[0]!.headers.get("user-agent")).toMatch(/^tenant-inventory\//);
  });

  it("waits out Retry-After on 429 and counts the retry", async () => {
    const { client, sleeps } = clientWith([
      { status: 429, headers: { "retry-after": "7" } },
      { status: 200, body: "{}" },
    ]);
    await client.getJson("/v1.0/users");
    expect(sleeps).toEqual([7_000]);
    expect(client.stats).toEqual({ requests: 2, retries: 1 });
  });

  it("backs off exponentially on 5xx, network errors and truncated bodies", async () => {
    const { client, sleeps } = clientWith([
      { status: 503 },
      new RestError("socket hang up", { code: "ECONNRESET" }),
      { status: 200, body: '{"value":[' },
      { status: 200, body: '{"ok":true}' },
    ]);
    await expect(client.getJson("/x")).resolves.toEqual({ ok: true });
    expect(sleeps).toHaveLength(3);
    expect(sleeps[0]).toBeGreaterThanOrEqual(80);
    expect(sleeps[0]).toBeLessThanOrEqual(120);
    expect(sleeps[1]).toBeGreaterThanOrEqual(160);
    expect(sleeps[2]).toBeGreaterThanOrEqual(320);
  });

  it("gives up after the retry bound with the service's error", async () => {
    const body = JSON.stringify({ error: { code: "serviceUnavailable", message: "try later" } });
    const { client, requests } = clientWith(
      Array.from({ length: 4 }, () => ({ status: 503, body, headers: { "request-id": "r-1" } })),
    );
    const error = (await client.getJson("/v1.0/users").catch((caught: unknown) => caught)) as UpstreamError;
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ status: 503, serviceCode: "serviceUnavailable", requestId: "r-1" });
    expect(error.message).toBe("graph /v1.0/users answered 503 serviceUnavailable: try later (request-id r-1)");
    expect(requests).toHaveLength(4);
  });

  it("does not retry a 403 and keeps the token out of the error", async () => {
    const body = JSON.stringify({ error: { code: "Authorization_RequestDenied", message: "Insufficient privileges" } });
    const { client, requests } = clientWith([{ status: 403, body }]);
    const error = (await client.getJson("/v1.0/users").catch((caught: unknown) => caught)) as UpstreamError;
    expect(error.status).toBe(403);
    expect(error.message).not.toContain("fake-token");
    expect(requests).toHaveLength(1);
  });

  it("refuses to follow a link to another host with our token", async () => {
    const { client, requests } = clientWith([]);
    const error = (await client
      .getJson("https://evil.example/v1.0/users?$skiptoken=x")
      .catch((caught: unknown) => caught)) as UpstreamError;
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.serviceCode).toBe("ForeignLink");
    expect(requests).toHaveLength(0);
  });

  it("turns a Retry-After longer than the run may wait into a resumable error without sleeping", async () => {
    const { client, sleeps } = clientWith([{ status: 429, headers: { "retry-after": "3392" } }], 120_000);
    const error = (await client
      .getJson("/v1.0/myorg/admin/groups")
      .catch((caught: unknown) => caught)) as UpstreamError;
    expect(error.isLongThrottle).toBe(true);
    expect(error.retryAfterMs).toBe(3_392_000);
    expect(sleeps).toEqual([]);
  });

  describe("a POST, which the service may act on even when no answer comes back", () => {
    const post = (client: ReturnType<typeof clientWith>["client"]) =>
      client.send({ method: "POST", path: "/v1.0/myorg/admin/workspaces/getInfo", body: { workspaces: ["a"] } });

    it("sends its JSON body and reads the 202", async () => {
      const { client, requests } = clientWith([{ status: 202, body: '{"id":"scan-1","status":"NotStarted"}' }]);
      await expect(post(client)).resolves.toEqual({ id: "scan-1", status: "NotStarted" });
      expect(requests[0]!.method).toBe("POST");
      expect(requests[0]!.body).toBe('{"workspaces":["a"]}');
      expect(requests[0]!.headers.get("content-type")).toBe("application/json");
    });

    it.each<[string, Answer]>([
      ["a 503", { status: 503 }],
      ["a 500", { status: 500 }],
      ["a dropped connection", new RestError("socket hang up", { code: "ECONNRESET" })],
      ["a 429 without Retry-After (too many scans at once)", { status: 429 }],
    ])("is not sent again after %s", async (_what, answer) => {
      const { client, requests, sleeps } = clientWith([answer, { status: 202, body: '{"id":"scan-2"}' }]);
      await expect(post(client)).rejects.toBeInstanceOf(UpstreamError);
      expect(requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
    });

    it.each<[string, Answer, number[]]>([
      ["a 429 with Retry-After (a budget)", { status: 429, headers: { "retry-after": "2" } }, [2_000]],
      [
        "a broken pipe (never written)",
        new RestError("write EPIPE", { code: "EPIPE" }),
        [expect.any(Number) as number],
      ],
    ])("is sent again after %s", async (_what, answer, waits) => {
      const { client, requests, sleeps } = clientWith([answer, { status: 202, body: '{"id":"scan-3"}' }]);
      await expect(post(client)).resolves.toEqual({ id: "scan-3" });
      expect(requests).toHaveLength(2);
      expect(sleeps).toEqual(waits);
    });
  });
});
