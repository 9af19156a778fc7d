import fc from "fast-check";
import { isDeepStrictEqual } from "node:util";
import { functionDefinitions } from "../../src/functions/definitions";
import { startLocalHost, type LocalHost } from "../../dev/local/localHost";
import { simulatedWorkspace } from "../../dev/simulator/simulatedWorkspace";
import { syncKind, inventoryFor } from "../../src/app/inventory";
import { expectedUsers, guardUnhandledRejections, USERS_ROUTE, WORKSPACES_ROUTE } from "../support/reliability";
import { httpFunctions, isErrorShape, readAnswer, routeCaller, type RouteAnswer } from "../support/routes";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";

// Two tenants in the same tables; tenant A has two users snapshots told apart by a mark on every item.
const A = { seed: 31, users: 150, workspaces: 3 };
const B = { seed: 32, users: 80, workspaces: 3 };
const SETTINGS = { POWERBI_GROUPS_EXPAND: "datasets,dashboards" };
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261123);

let a: TestEnvironment;
let b: TestEnvironment;
let host: LocalHost;
/** Items of every snapshot of tenant A, by snapshot id then item id. */
const expected = new Map<string, Map<string, Record<string, unknown>>>();
/** Which mark the items of each users snapshot of tenant A carry. */
const marks = new Map<string, string>();
const latest: Partial<Record<string, string>> = {};
/** Ids of tenant B (tenant, snapshots, users, workspaces) and its continuation tokens: never served to A. */
const foreign: string[] = [];
const tokens: string[] = [];
const ids: string[] = [];
guardUnhandledRejections();

async function syncMarked(env: TestEnvironment, mark: string): Promise<string> {
  env.tenant.faults.inject({
    route: "graph.users",
    kind: "rewrite",
    rewrite: (body) => {
      const page = body as { value: Record<string, unknown>[] };
      for (const user of page.value) user.fuzzMark = mark;
      return page;
    },
  });
  const result = await syncKind("users", env.config);
  expect(result.status).toBe("succeeded");
  return result.snapshotId;
}

async function tokenOf(env: TestEnvironment, route: string, params: Record<string, string>): Promise<string> {
  const answer = await routeCaller(env.config)(route, params, { top: "2" });
  return (answer.body as { continuationToken: string }).continuationToken;
}

beforeAll(async () => {
  a = await startTestEnvironment(A, SETTINGS);
  for (const mark of ["one", "two"]) {
    const id = await syncMarked(a, mark);
    marks.set(id, mark);
    const users = expectedUsers(a.config, A.seed, A.users);
    for (const user of users.values()) user.fuzzMark = mark;
    expected.set(id, users);
    latest.users = id;
  }
  const workspaces = await syncKind("workspaces", a.config);
  latest.workspaces = workspaces.snapshotId;
  expected.set(
    workspaces.snapshotId,
    new Map(
      Array.from({ length: A.workspaces }, (_, index) => {
        const workspace = simulatedWorkspace(A.seed, index) as unknown as Record<string, unknown>;
        const arrays = ["users", "reports", "dashboards", "datasets", "dataflows", "workbooks"];
        for (const artifact of arrays) if (!SETTINGS.POWERBI_GROUPS_EXPAND.includes(artifact)) workspace[artifact] = [];
        return [workspace.id as string, workspace];
      }),
    ),
  );
  for (const [id, items] of expected) ids.push(id, ...[...items.keys()].slice(0, 3));
  tokens.push(await tokenOf(a, USERS_ROUTE, { snapshotId: latest.users! }));
  tokens.push(await tokenOf(a, USERS_ROUTE, { snapshotId: [...marks.keys()][0]! }));
  tokens.push(await tokenOf(a, WORKSPACES_ROUTE, { snapshotId: latest.workspaces }));

  b = await startTestEnvironment(B, SETTINGS);
  const bUsers = await syncKind("users", b.config);
  const bWorkspaces = await syncKind("workspaces", b.config);
  foreign.push(b.tenant.tenantId, bUsers.snapshotId, bWorkspaces.snapshotId);
  foreign.push(...expectedUsers(b.config, B.seed, B.users).keys());
  for (let index = 0; index < B.workspaces; index++) foreign.push(simulatedWorkspace(B.seed, index).id);
  tokens.push(await tokenOf(b, USERS_ROUTE, { snapshotId: bUsers.snapshotId }));
  ids.push(bUsers.snapshotId, bWorkspaces.snapshotId, ...foreign.slice(3, 6));
  // Edited tokens: one character changed, and a valid token's body with another's signature.
  const [body0, sig0] = tokens[0]!.split(".");
  const [, sig1] = tokens[1]!.split(".");
  tokens.push(`${body0}x.${sig0}`, `${body0}.${sig1}`, `${tokens[0]}.${sig0}`);

  host = await startLocalHost(functionDefinitions(inventoryFor(a.config)), { port: 0, log: () => undefined });
});
afterAll(async () => {
  await host?.close();
  await a.close();
  await b.close();
});

const hostile = [
  "latest",
  "LATEST",
  "",
  " ",
  ".",
  "..",
  "../..",
  "..\\..\\windows",
  "%2e%2e%2f",
  "\u0000",
  "a\u0000b",
  "' or 1 eq 1",
  "x' or PartitionKey ne '",
  "') or (1 eq 1",
  "*",
  "%",
  "%zz",
  "#",
  "?",
  "|",
  "~",
  "}",
  "\uD800",
  "😀".repeat(40),
  "\u202Eevil",
  "null",
  "-1",
  "0",
  "1001",
  "1e309",
  "NaN",
  "true",
  "[]",
  "{}",
  "20991231T000000000Z-users-000000",
  "19700101T000000000Z-workspaces-ffffff",
];

function valueArbitrary(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...hostile) },
    { weight: 3, arbitrary: fc.constantFrom(...ids, ...tokens) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 2_000, maxLength: 9_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: -5, max: 5_000 }).map(String) },
  );
}

function queryArbitrary(): fc.Arbitrary<[string, string][]> {
  const names = fc.oneof(
    fc.constantFrom("top", "continuationToken", "kind", "code", "fields", "format", "filter", "$filter", "q"),
    fc.string({ maxLength: 12 }),
  );
  return fc.array(fc.tuple(names, valueArbitrary()), { maxLength: 4 });
}

/** The snapshot ids a request asks for, with `latest` resolved by the route's kind. */
function asked(route: string, params: Record<string, string>): string[] {
  const kind = route.includes("/workspaces") ? "workspaces" : "users";
  return [params.snapshotId, params.toSnapshotId]
    .filter((id): id is string => id !== undefined)
    .map((id) => (id === "latest" ? latest[kind]! : id));
}

/** Never a 5xx; every 4xx in the error shape; nothing of another tenant or of a snapshot not asked for. */
function check(route: string, params: Record<string, string>, input: string, answer: RouteAnswer): void {
  const context = `${route} ${input.slice(0, 300)} -> ${answer.status} ${answer.text.slice(0, 300)}`;
  expect({ context, serverError: answer.status >= 500 }).toEqual({ context, serverError: false });
  if (answer.status >= 400) expect({ context, shape: isErrorShape(answer.body) }).toEqual({ context, shape: true });
  for (const id of foreign) {
    if (answer.text.includes(id))
      expect({ context, leaked: id, echoed: input.includes(id) }).toMatchObject({ echoed: true });
  }
  if (!route.startsWith("snapshots/{snapshotId}")) return;
  const wanted = asked(route, params);
  for (const [id, mark] of marks) {
    if (!wanted.includes(id))
      expect({ context, mark: answer.text.includes(`"fuzzMark":"${mark}"`) }).toMatchObject({ mark: false });
  }
  // Item by item against the tenant's truth where a route serves the users or workspaces themselves; other routes of
  // a snapshot (its licences) are held to the checks above.
  if (answer.status >= 300 || wanted.length !== 1 || !/\/(users|workspaces)(\/\{workspaceId\})?$/.test(route)) return;
  const items = expected.get(wanted[0]!);
  const body = answer.body as { items?: unknown; id?: unknown };
  const served = Array.isArray(body.items)
    ? (body.items as Record<string, unknown>[])
    : route.endsWith("{workspaceId}")
      ? [body as Record<string, unknown>]
      : [];
  for (const item of served) {
    const truth = items?.get(String(item.id));
    expect({ context, belongs: truth !== undefined }).toEqual({ context, belongs: true });
    for (const [field, value] of Object.entries(item)) {
      expect({ context, field, same: isDeepStrictEqual(value, truth![field]) }).toMatchObject({ same: true });
    }
  }
}

describe("hostile input over every HTTP route", () => {
  it("handlers: only 2xx or 4xx with the error shape, and only rows of the snapshot and tenant asked for", async () => {
    const call = routeCaller(a.config);
    const routes = httpFunctions(a.config);
    const request = fc.record({
      route: fc.constantFrom(...routes.map((route) => route.route)),
      params: fc.dictionary(fc.constantFrom("snapshotId", "toSnapshotId", "workspaceId", "kind"), valueArbitrary()),
      query: queryArbitrary(),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ route, params, query }) => {
        const method = routes.find((candidate) => candidate.route === route)!.methods[0];
        const answer = await call(route, params, Object.fromEntries(new URLSearchParams(query)), method);
        check(route, params, JSON.stringify([params, query]), answer);
      }),
      { numRuns: 400, seed: FUZZ_SEED },
    );
  }, 120_000);

  it("the local host over real HTTP: raw path segments and query strings", async () => {
    const routes = httpFunctions(a.config);
    const segment = fc.oneof(
      // Within the local host's 16 KiB request-target limit, so every answer comes from a function, not a 414.
      valueArbitrary().map((value) => safeEncode(value).slice(0, 3_000)),
      fc.constantFrom("%", "%zz", "%E0%A4%A", "%00", "..", "%2e%2e", "a%2Fb", "%C0%AF", "latest"),
    );
    const request = fc.record({
      route: fc.constantFrom(...routes.map((route) => route.route)),
      segments: fc.array(segment, { minLength: 3, maxLength: 3 }),
      query: queryArbitrary(),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ route, segments, query }) => {
        const names: string[] = [];
        let index = 0;
        const path = route.replace(/\{(\w+)\??\}/g, (_, name: string) => {
          names.push(name);
          return segments[index++]!;
        });
        const search = new URLSearchParams(query).toString().slice(0, 4_000);
        const method = routes.find((candidate) => candidate.route === route)!.methods[0];
        const response = await fetch(`${host.url}/api/${path}?${search}`, { method });
        const answer = await readAnswer(response);
        const params = Object.fromEntries(names.map((name, at) => [name, safeDecode(segments[at]!)]));
        // Past Node's own HTTP parser (which answers malformed requests itself), everything is the product's answer.
        // An empty segment makes the path another route's (`snapshots/` lists snapshots): only the generic checks.
        const addressed = names.some((_, at) => segments[at] === "") ? path : route;
        check(addressed, params, `${path}?${search}`, answer);
      }),
      { numRuns: 120, seed: FUZZ_SEED },
    );
  }, 120_000);
});

describe("forged continuation tokens", () => {
  it("signed with the tenant's own token key, carrying any position: 4xx or the asked snapshot only", async () => {
    // The key is a secret of the deployment; should it ever leak, a genuinely signed token must still be confined
    // to the snapshot the request names, whatever position it carries.
    const { tokens: signer } = await inventoryFor(a.config).api();
    const sdkToken = (partitionKey: string, rowKey?: string) =>
      Buffer.from(
        JSON.stringify({ nextPartitionKey: partitionKey, ...(rowKey === undefined ? {} : { nextRowKey: rowKey }) }),
      ).toString("base64");
    const bSnapshot = foreign[1]!;
    const positions = fc.oneof(
      fc.constantFrom(
        `${b.tenant.tenantId}|${bSnapshot}|users|000`,
        sdkToken(`${b.tenant.tenantId}|${bSnapshot}|users|000`),
        sdkToken(`${a.tenant.tenantId}|${[...marks.keys()][0]!}|users|000`, "00000000|x"),
        sdkToken("'", "' or 1 eq 1"),
        "00000000|x",
        "ffffffff|~",
      ),
      valueArbitrary(),
    );
    const call = routeCaller(a.config);
    const request = fc.record({
      route: fc.constantFrom(USERS_ROUTE, WORKSPACES_ROUTE),
      snapshot: fc.constantFrom("latest", ...marks.keys(), latest.workspaces!, bSnapshot),
      tokenSnapshot: fc.constantFrom(...marks.keys(), latest.workspaces!, bSnapshot, ""),
      position: positions,
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ route, snapshot, tokenSnapshot, position }) => {
        const kind = route === USERS_ROUTE ? "users" : "workspaces";
        const token = signer.encode({ route: kind, snapshot: tokenSnapshot, query: {} }, position)!;
        const params = { snapshotId: snapshot };
        const answer = await call(route, params, { continuationToken: token });
        // `latest` with a token pages the snapshot the token names, so that is the one asked for.
        const named = snapshot === "latest" && tokenSnapshot !== "" ? { snapshotId: tokenSnapshot } : params;
        check(route, named, JSON.stringify([params, tokenSnapshot, position]), answer);
      }),
      { numRuns: 150, seed: FUZZ_SEED },
    );
  }, 120_000);
});

function safeEncode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return "%ED%A0%80"; // what a lone surrogate would be, as raw UTF-8 bytes
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
