import fc from "fast-check";
import { functionDefinitions } from "../../src/functions/definitions";
import { startLocalHost, type LocalHost } from "../../dev/local/localHost";
import { syncKind, inventoryFor } from "../../src/app/inventory";
import { guardUnhandledRejections } from "../support/reliability";
import { rawRequest, type RawAnswer, type RawPart } from "../support/rawHttp";
import { httpFunctions, isErrorShape } from "../support/routes";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";

// Request shapes no HTTP client library sends, written on a raw socket: the host must answer each one completely,
// 2xx or 4xx, every 4xx in the error shape, and stay healthy.
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const KIB = 1024;

let env: TestEnvironment;
let host: LocalHost;
let port: number;
let users: number;
const logs: string[] = [];
guardUnhandledRejections();

beforeAll(async () => {
  // No timer fires during the test: a fuzzed POST /sync/users only queues a run.
  env = await startTestEnvironment({ users: 40, workspaces: 3 }, { INVENTORY_RESUME_SCHEDULE: "0 0 0 1 1 *" });
  users = (await syncKind("users", env.config)).counts.users!;
  await syncKind("workspaces", env.config);
  host = await startLocalHost(functionDefinitions(inventoryFor(env.config)), {
    port: 0,
    log: (line) => logs.push(line),
  });
  port = Number(new URL(host.url).port);
});
afterAll(async () => {
  await host?.close();
  await env?.close();
});

const hostHeader = () => `Host: localhost:${port}\r\n`;
const get = (target: string, headers = hostHeader()): RawPart[] => [`GET ${target} HTTP/1.1\r\n${headers}\r\n`];
const fill = (bytes: number): RawPart => ({ fill: "a", bytes });

/** Complete, no 5xx, no reset; a 4xx is `{"error":{"code","message"}}` and never cached. */
function expectProductAnswer(answer: RawAnswer, context: string, headOnly = false): void {
  const seen = { context, status: answer.status, complete: answer.complete, error: answer.error };
  expect(seen).toEqual({ context, status: seen.status, complete: true, error: undefined });
  expect({ context, status: answer.status, answered: answer.status >= 200 && answer.status < 500 }).toMatchObject({
    answered: true,
  });
  if (answer.status < 400 || headOnly) return;
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    body = answer.body;
  }
  expect({ context, body, shape: isErrorShape(body) }).toMatchObject({ shape: true });
  expect({ context, cacheControl: answer.headers["cache-control"] }).toEqual({ context, cacheControl: "no-store" });
}

const shapes: [string, () => RawPart[], number, string | undefined][] = [
  ["a `..` segment", () => get("/api/snapshots/../health"), 400, "InvalidPath"],
  ["an encoded `..` segment", () => get("/api/snapshots/%2e%2E/latest/users"), 400, "InvalidPath"],
  ["a `.` segment", () => get("/api/snapshots/./latest"), 400, "InvalidPath"],
  ["a matrix parameter", () => get("/api/health;jsessionid=1"), 400, "InvalidPath"],
  ["a matrix parameter on a snapshot id", () => get("/api/snapshots/latest;x=1/users"), 400, "InvalidPath"],
  ["an absolute-form target, routed by its path", () => get("http://other.host/api/SNAPSHOTS"), 200, undefined],
  [
    "an absolute-form target with a port out of range",
    () => get("http://other.host:99999/api/health"),
    400,
    "InvalidRequestTarget",
  ],
  [
    "an absolute-form target with credentials",
    () => get("http://user:pw@other.host/api/health"),
    400,
    "InvalidRequestTarget",
  ],
  ["an absolute-form target of another scheme", () => get("ftp://other.host/api/health"), 400, "InvalidRequestTarget"],
  ["`//` before the path", () => get("//api/health"), 400, "InvalidPath"],
  ["an empty segment", () => get("/api//snapshots"), 400, "InvalidPath"],
  ["a backslash", () => get("/api/snapshots\\..\\health"), 400, "InvalidPath"],
  ["a fragment", () => get("/api/health#top"), 400, "InvalidRequestTarget"],
  ["the asterisk form", () => get("*"), 400, "InvalidRequestTarget"],
  ["a Host with credentials", () => get("/api/health", "Host: user@other.host\r\n"), 400, "InvalidHost"],
  ["a Host with a port out of range", () => get("/api/health", "Host: localhost:99999\r\n"), 400, "InvalidHost"],
  ["no Host", () => get("/api/health", ""), 400, "InvalidHost"],
  ["two Hosts", () => get("/api/health", `${hostHeader()}Host: other.host\r\n`), 400, "InvalidHost"],
  [
    "a 64 KiB request line",
    () => ["GET /api/health?x=", fill(64 * KIB), ` HTTP/1.1\r\n${hostHeader()}\r\n`],
    414,
    "UriTooLong",
  ],
  [
    "64 KiB of headers",
    () => [`GET /api/health HTTP/1.1\r\n${hostHeader()}X-Big: `, fill(64 * KIB), "\r\n\r\n"],
    431,
    "RequestHeadersTooLarge",
  ],
  [
    "a 2 MiB request line",
    () => ["GET /api/health?x=", fill(2048 * KIB), ` HTTP/1.1\r\n${hostHeader()}\r\n`],
    431,
    "RequestHeadTooLarge",
  ],
  [
    "a 2 MiB header",
    () => [`GET /api/health HTTP/1.1\r\n${hostHeader()}X-Big: `, fill(2048 * KIB), "\r\n\r\n"],
    431,
    "RequestHeadTooLarge",
  ],
  ["a request line that is not HTTP", () => ["GARBAGE\r\n\r\n"], 400, "MalformedRequest"],
  ["a header name with a space", () => get("/api/health", `${hostHeader()}Bad Name: x\r\n`), 400, "MalformedRequest"],
  [
    "two Content-Lengths",
    () => [`POST /api/sync/users HTTP/1.1\r\n${hostHeader()}Content-Length: 1\r\nContent-Length: 2\r\n\r\nab`],
    400,
    "MalformedRequest",
  ],
  [
    "a bad chunk size",
    () => [`POST /api/sync/users HTTP/1.1\r\n${hostHeader()}Transfer-Encoding: chunked\r\n\r\nzz\r\n\r\n`],
    400,
    "MalformedRequest",
  ],
  [
    "an expectation other than 100-continue",
    () => get("/api/health", `${hostHeader()}Expect: coffee\r\n`),
    417,
    "ExpectationFailed",
  ],
  ["CONNECT", () => [`CONNECT other.host:443 HTTP/1.1\r\nHost: other.host:443\r\n\r\n`], 400, "InvalidRequestTarget"],
  [
    "a 2 MiB body",
    () => [`POST /api/sync/users HTTP/1.1\r\n${hostHeader()}Content-Length: ${2048 * KIB}\r\n\r\n`, fill(2048 * KIB)],
    413,
    "ContentTooLarge",
  ],
];

describe("hostile request shapes at the local host, on a raw socket", () => {
  it.each(shapes)("%s: a complete answer in the error shape", async (_title, parts, status, code) => {
    const answer = await rawRequest(port, parts());
    expectProductAnswer(answer, _title);
    expect(answer.status).toBe(status);
    if (code !== undefined) expect((JSON.parse(answer.body) as { error: { code: string } }).error.code).toBe(code);
  });

  it("answers a method no function takes with 405, an Allow header and no-store", async () => {
    const answer = await rawRequest(port, [`DELETE /api/snapshots HTTP/1.1\r\n${hostHeader()}\r\n`]);
    expectProductAnswer(answer, "DELETE /api/snapshots");
    expect([answer.status, answer.headers.allow]).toEqual([405, "GET"]);
  });

  it("fuzz: mixed families of request lines, targets, Host headers, framing and sizes", async () => {
    const templates = httpFunctions(env.config).map((route) => route.route);
    const piece = fc.constantFrom(
      ...["..", ".", "%2e%2e", "%2E.", ".%2e", "", ";jsessionid=1", "latest;x=1", "a%2Fb", "%5C", "\\", "%00", "%"],
      ...["%zz", "\u00e9", "~", "latest", "LATEST", "*", "a b", "\t", "%E0%A4%A", "20991231T000000000Z-users-000000"],
    );
    const path = fc
      .tuple(fc.constantFrom(...templates), fc.array(piece, { minLength: 1, maxLength: 4 }), fc.boolean())
      .map(([template, pieces, extra]) => {
        let at = 0;
        const filled = template.replace(/\{\w+\??\}/g, () => pieces[at++ % pieces.length]!);
        return `/api/${filled}${extra ? `/${pieces[0]}` : ""}`;
      });
    const target = fc.oneof(
      { weight: 4, arbitrary: path },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.constantFrom("http", "https", "HTTP", "ftp", "file"), fc.constantFrom(...authorities()), path)
          .map(([scheme, authority, tail]) => `${scheme}://${authority}${tail}`),
      },
      { weight: 1, arbitrary: fc.constantFrom("*", "api/health", "//api/health", "http://", "http:///api", "?x=1") },
    );
    const query = fc.oneof(
      fc.constant(""),
      fc.constantFrom("?top=1", "?kind=users", "?fields=x%20y", "?top=%", "?a=1&a=2", "?#frag", "?format=csv"),
      fc.string({ unit: "binary-ascii", maxLength: 30 }).map((text) => `?q=${encodeURIComponent(text)}`),
    );
    const method = fc.constantFrom("GET", "GET", "POST", "HEAD", "DELETE", "OPTIONS", "PUT", "get", "G\u0000T", "");
    const version = fc.constantFrom("HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1 x", "");
    const hostLine = fc.constantFrom(
      ...["ok", "ok", "ok", "none", "twice", "Host: user@host\r\n", "Host: [::1\r\n", "Host: x:99999\r\n"],
      ...["Host: a b\r\n", "Host: \r\n", "Host: %\r\n", "Host: localhost:1/evil\r\n"],
    );
    const framing = fc.constantFrom(...FRAMINGS);
    const size = fc.constantFrom(0, 0, 0, 0, 17 * KIB, 40 * KIB, 70 * KIB, 1100 * KIB);
    const request = fc.record({ method, target, query, version, hostLine, framing, lineFill: size, headerFill: size });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const hostText =
          { ok: hostHeader(), none: "", twice: `${hostHeader()}${hostHeader()}` }[r.hostLine] ?? r.hostLine;
        const [framingHeaders, body] = r.framing;
        const line =
          r.lineFill > 0
            ? [`${r.method} ${r.target}?x=`, fill(r.lineFill), ` ${r.version}\r\n`]
            : [`${r.method} ${r.target}${r.query} ${r.version}\r\n`];
        const headers = r.headerFill > 0 ? [`${hostText}X-Filler: `, fill(r.headerFill), "\r\n"] : [hostText];
        const parts: RawPart[] = [...line, ...headers, `${framingHeaders}\r\n${body}`];
        const answer = await rawRequest(port, parts);
        const context = JSON.stringify(r).slice(0, 400);
        expectProductAnswer(answer, context, r.method === "HEAD");
      }),
      { numRuns: 250, seed: FUZZ_SEED },
    );
  }, 240_000);

  it("stays healthy after the storm: health, and a users page with every user", async () => {
    const health = await fetch(`${host.url}/api/health`);
    expect([health.status, await health.json()]).toEqual([200, { status: "ok" }]);
    const page = await fetch(`${host.url}/api/snapshots/latest/users?top=1000`);
    expect(page.status).toBe(200);
    expect(((await page.json()) as { items: unknown[] }).items).toHaveLength(users);
    expect(logs.filter((line) => line.startsWith("[host]"))).toEqual([]);
  });
});

/** Header lines and the body that goes with them: well framed, badly framed, and headers with meaning to HTTP. */
const FRAMINGS: [string, string][] = [
  ["", ""],
  ["Content-Length: 5\r\n", "hello"],
  ["Content-Length: 5\r\nContent-Length: 6\r\n", "hello!"],
  ["Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"],
  ["Transfer-Encoding: chunked\r\n", "zz\r\n\r\n"],
  ["Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n"],
  ["Content-Length: -1\r\n", ""],
  ["Expect: 100-continue\r\nContent-Length: 2\r\n", "{}"],
  ["Expect: coffee\r\n", ""],
  ["Connection: Upgrade\r\nUpgrade: websocket\r\n", ""],
];

function authorities(): string[] {
  return ["other.host", "localhost", "localhost:1", "[::1]", "[::1", "user@host", "x:99999", "a b", "", "%41", "é"];
}
