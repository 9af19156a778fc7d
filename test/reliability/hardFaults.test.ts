import type { Fault } from "../../dev/simulator/faultInjector";
import { syncKind, type SyncHooks } from "../../src/app/inventory";
import { DEFAULT_RETRY } from "../../src/upstream/upstreamClient";
import type { Config } from "../../src/config/config";
import { loadAppConfig } from "../../src/kinds/registry";
import {
  expectedUsers,
  expectUsersServed,
  fastUpstream,
  guardUnhandledRejections,
  rowCount,
  SNAPSHOT_ROUTE,
  tablesOf,
  USERS_ROUTE,
} from "../support/reliability";
import { isErrorShape, routeCaller, type RouteCaller } from "../support/routes";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";

const SEED = 9;
const USERS = 1_500;

let env: TestEnvironment;
let call: RouteCaller;
let latest: string;
guardUnhandledRejections();

beforeAll(async () => {
  env = await startTestEnvironment({ users: USERS, workspaces: 4, seed: SEED }, { POWERBI_GROUPS_EXPAND: "datasets" });
  call = routeCaller(env.config);
  const first = await syncKind("users", env.config);
  expect(first.status).toBe("succeeded");
  latest = first.snapshotId;
});
afterAll(() => env.close());
afterEach(() => env.tenant.faults.clear());

/** A configuration whose app credential is read from `secretName`: a cold credential cache, so the vault is read. */
function configReading(secretName: string): Config {
  return loadAppConfig({ ...env.settings, INVENTORY_CLIENT_SECRET_NAME: secretName });
}

/** The secrets of this tenant: the client secret, every access token issued so far, and `extra`. */
function secrets(...extra: string[]): string[] {
  return [env.tenant.clientSecret, ...env.tenant.calls.issuedTokens, ...extra];
}

/** A failed run: a clear message without secrets, no rows left, never served; the previous latest still is. */
async function expectCleanFailure(
  result: { snapshotId: string; status: string; error?: string },
  message: RegExp,
  extraSecrets: string[] = [],
) {
  expect(result.status).toBe("failed");
  expect(result.error).toMatch(message);
  for (const secret of secrets(...extraSecrets)) expect(result.error).not.toContain(secret);
  const tables = await tablesOf(env.config);
  expect(await rowCount(tables, env.tenant.tenantId, result.snapshotId)).toBe(0);
  const partial = await call(USERS_ROUTE, { snapshotId: result.snapshotId });
  expect(partial.status).toBe(409);
  expect(isErrorShape(partial.body)).toBe(true);
  const manifest = await call(SNAPSHOT_ROUTE, { snapshotId: result.snapshotId });
  expect(manifest.body).toMatchObject({ status: "failed", error: result.error });
  const current = await call(SNAPSHOT_ROUTE, { snapshotId: "latest" }, { kind: "users" });
  expect((current.body as { id: string }).id).toBe(latest);
}

describe("hard faults: the run fails cleanly and the previous latest is still served", () => {
  it.each<[string, Omit<Fault, "route">, RegExp]>([
    ["Graph 403 on page 2", { status: 403, after: 1 }, /answered 403 Authorization_RequestDenied/],
    ["Graph 401 on page 1", { status: 401 }, /answered 401 InvalidAuthenticationToken/],
    [
      "Graph 503 beyond the retry bound",
      { status: 503, times: DEFAULT_RETRY.maxRetries + 1, after: 1 },
      /answered 503 serviceNotAvailable/,
    ],
  ])("%s", async (_name, fault, message) => {
    env.tenant.faults.inject({ route: "graph.users", ...fault });
    const hooks: SyncHooks = fastUpstream();
    const result = await syncKind("users", env.config, hooks);
    expect(env.tenant.faults.pending()).toBe(0);
    await expectCleanFailure(result, message);
  });

  it("Power BI 403", async () => {
    env.tenant.faults.inject({ route: "powerbi.groups", status: 403 });
    const result = await syncKind("workspaces", env.config, fastUpstream());
    expect(result).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/powerbi .* answered 403/) as unknown,
    });
    expect(await rowCount(await tablesOf(env.config), env.tenant.tenantId, result.snapshotId)).toBe(0);
  });

  it("Key Vault 403", async () => {
    env.tenant.setSecret("secret-for-403", env.tenant.clientSecret);
    env.tenant.faults.inject({ route: "keyvault", status: 403, times: 3 });
    const result = await syncKind("users", configReading("secret-for-403"), fastUpstream());
    await expectCleanFailure(result, /Cannot read secret "secret-for-403" .* HTTP 403 Forbidden/);
  });

  it("Key Vault 404 for the secret", async () => {
    const result = await syncKind("users", configReading("no-such-secret"), fastUpstream());
    await expectCleanFailure(result, /Cannot read secret "no-such-secret" .* HTTP 404 SecretNotFound/);
  });

  it("a wrong secret in the vault fails the run; once the vault holds the right one, the next run succeeds", async () => {
    const wrong = `${env.tenant.clientSecret.slice(0, 3)}8Q~wrong-secret-wrong-secret-wrong-sec`;
    env.tenant.setSecret("rotated-secret", wrong);
    const config = configReading("rotated-secret");
    const failed = await syncKind("users", config, fastUpstream());
    await expectCleanFailure(failed, /AADSTS7000215/, [wrong]);
    env.tenant.setSecret("rotated-secret", env.tenant.clientSecret);
    const recovered = await syncKind("users", config, fastUpstream());
    expect(recovered).toMatchObject({ status: "succeeded", counts: { users: USERS } });
    await expectUsersServed(call, recovered.snapshotId, expectedUsers(env.config, SEED, USERS));
    latest = recovered.snapshotId;
  });
});
