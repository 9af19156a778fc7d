import { AzureLogger, getLogLevel, setLogLevel, type AzureLogLevel } from "@azure/logger";
import { InvocationContext, type Timer } from "@azure/functions";
import { randomUUID } from "node:crypto";
import { format } from "node:util";
import { loadAppConfig } from "../../src/kinds/registry";
import { functionDefinitions, type TimerFunction } from "../../src/functions/definitions";
import { startLocalHost } from "../../dev/local/localHost";
import { TOKEN_EXCHANGE_APP_ID } from "../../dev/simulator/federatedCredentials";
import { simulatedWorkspace } from "../../dev/simulator/simulatedWorkspace";
import { createInventory, inventoryFor, syncKind } from "../../src/app/inventory";
import {
  fastUpstream,
  guardUnhandledRejections,
  SNAPSHOT_ROUTE,
  tablesOf,
  tenantEntities,
  USERS_ROUTE,
  WORKSPACE_ROUTE,
  WORKSPACES_ROUTE,
} from "../support/reliability";
import { httpFunctions, readAnswer, routeCaller } from "../support/routes";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";

const SEED = 17;
const WORKSPACES = 4;

let env: TestEnvironment;
const lines: string[] = [];
/** Tokens and table rows of the federated sessions' tenant. */
const federatedTokens: string[] = [];
const federatedEntities: string[] = [];
const restore: (() => void)[] = [];
guardUnhandledRejections();

beforeAll(async () => {
  // Two-second tokens, so a session issues many: every one of them is a secret to look for.
  env = await startTestEnvironment(
    { users: 1_200, workspaces: WORKSPACES, seed: SEED, tokenLifetimeSeconds: 2 },
    { POWERBI_GROUPS_TOP: "2", POWERBI_GROUPS_EXPAND: "users,datasets" },
  );
  // The most verbose logging, from the Azure SDKs (as AZURE_LOG_LEVEL=verbose does), the console and stderr.
  const level: AzureLogLevel | undefined = getLogLevel();
  const sdkLog = AzureLogger.log;
  setLogLevel("verbose");
  AzureLogger.log = (...args: unknown[]) => void lines.push(format(...args));
  restore.push(() => {
    AzureLogger.log = sdkLog;
    setLogLevel(level);
  });
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    const spy = jest
      .spyOn(console, method)
      .mockImplementation((...args: unknown[]) => void lines.push(format(...args)));
    restore.push(() => spy.mockRestore());
  }
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string | Uint8Array) => lines.push(String(chunk)) > 0;
  restore.push(() => void (process.stderr.write = write));
});
afterAll(async () => {
  for (const undo of restore.reverse()) undo();
  await env.close();
});

function contextLogging(name: string): InvocationContext {
  return new InvocationContext({
    functionName: name,
    logHandler: (level, ...args) => lines.push(`${level} ${format(...args)}`),
  });
}

function audienceOf(token: string): unknown {
  return (JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { aud?: unknown }).aud;
}

/**
 * The secrets of the session: the client secret, every token issued (the managed identity's exchange tokens, which
 * are the federated assertions, among them), and the signature of each on its own.
 */
function secrets(...extra: string[]): string[] {
  const tokens = [...env.tenant.calls.issuedTokens, ...federatedTokens];
  expect(tokens.length).toBeGreaterThan(3);
  return [env.tenant.clientSecret, ...tokens, ...tokens.map((token) => token.split(".")[2]!), ...extra];
}

function expectNoSecret(where: string, texts: readonly string[], extra: string[] = []): void {
  const all = secrets(...extra);
  const leaks = texts.flatMap((text) => all.filter((secret) => text.includes(secret)).map(() => text.slice(0, 200)));
  expect({ where, leaks }).toEqual({ where, leaks: [] });
}

describe("secret hygiene with the most verbose logging", () => {
  const responses: string[] = [];
  const errors: string[] = [];
  const wrong = "abc8Q~this-is-a-wrong-secret-of-forty-chars";

  it("runs a full sync of every kind through the timers, and failing ones too", async () => {
    const timers = functionDefinitions(inventoryFor(env.config)).filter(
      (d): d is TimerFunction => d.trigger === "timer",
    );
    const timer: Timer = {
      isPastDue: false,
      schedule: { adjustForDST: false },
      scheduleStatus: { last: "", next: "", lastUpdated: "" },
    };
    for (const name of ["syncUsers", "syncWorkspaces"]) {
      await timers.find((candidate) => candidate.name === name)!.handler(timer, contextLogging(name));
    }
    env.tenant.faults.inject({ route: "graph.users", status: 401 });
    const unauthorized = await syncKind("users", env.config, { ...fastUpstream(), log: (line) => lines.push(line) });
    env.tenant.setSecret("wrong-secret", wrong);
    const refused = await syncKind(
      "users",
      loadAppConfig({ ...env.settings, INVENTORY_CLIENT_SECRET_NAME: "wrong-secret" }),
      {
        log: (line) => lines.push(line),
      },
    );
    // The federated credential: the managed identity's token is the client assertion, a secret like every token. A
    // tenant of its own, whose tokens outlive a loaded machine's two round trips per token (identity, then Entra) and
    // still stay under MSAL's five-minute cache threshold, so each one is fresh and recorded.
    const federatedEnv = await startTestEnvironment({ users: 200, seed: SEED, tokenLifetimeSeconds: 60 });
    let refusedAssertion: Awaited<ReturnType<typeof syncKind>>;
    try {
      const federated = loadAppConfig({ ...federatedEnv.settings, ...federatedEnv.tenant.useFederatedCredential() });
      const accepted = await syncKind("users", federated, { log: (line) => lines.push(line) });
      expect(accepted.error).toBeUndefined();
      expect(accepted.status).toBe("succeeded");
      const trusted = federatedEnv.tenant.managedIdentityFederatedCredential();
      federatedEnv.tenant.setFederatedCredentials([{ ...trusted, subject: randomUUID() }]);
      // An inventory of its own, which has no token yet: it must present a new assertion, which Entra refuses.
      refusedAssertion = await createInventory(federated).sync("users", { log: (line) => lines.push(line) });
      expect(refusedAssertion.error).toMatch(/AADSTS700213/);
      federatedTokens.push(...federatedEnv.tenant.calls.issuedTokens);
      federatedEntities.push(
        ...(await tenantEntities(await tablesOf(federated), federatedEnv.tenant.tenantId)).map((e) =>
          JSON.stringify(e),
        ),
      );
    } finally {
      await federatedEnv.close();
    }
    expect(
      federatedTokens.filter((token) => audienceOf(token) === TOKEN_EXCHANGE_APP_ID).length,
    ).toBeGreaterThanOrEqual(2);
    for (const result of [unauthorized, refused, refusedAssertion]) {
      expect(result.status).toBe("failed");
      errors.push(result.error ?? "");
    }
    // The capture works: the SDKs logged requests with their (redacted) Authorization header, and identity its calls.
    expect(lines.some((line) => /"authorization": "REDACTED"/i.test(line))).toBe(true);
    expect(lines.some((line) => /azure:identity/.test(line))).toBe(true);
  }, 60_000);

  it("serves a full API session, through the handlers and over real HTTP", async () => {
    const call = routeCaller(env.config, (line) => lines.push(line));
    const record = async (...args: Parameters<typeof call>) => {
      const answer = await call(...args);
      responses.push(answer.text);
      return answer;
    };
    const latest = (await record(SNAPSHOT_ROUTE, { snapshotId: "latest" }, { kind: "workspaces" })).body as {
      id: string;
    };
    await record("snapshots", {}, {});
    await record(USERS_ROUTE, { snapshotId: "latest" }, { top: "1000" });
    await record(WORKSPACES_ROUTE, { snapshotId: latest.id }, {});
    for (let index = 0; index < WORKSPACES; index++) {
      await record(WORKSPACE_ROUTE, { snapshotId: latest.id, workspaceId: simulatedWorkspace(SEED, index).id }, {});
    }
    await record(USERS_ROUTE, { snapshotId: "latest" }, { continuationToken: "forged" });
    const host = await startLocalHost(functionDefinitions(inventoryFor(env.config)), {
      port: 0,
      log: (line) => lines.push(line),
    });
    try {
      for (const definition of httpFunctions(env.config)) {
        const path = definition.route.replace("{snapshotId}", latest.id).replace(/\{\w+\??\}/g, "x");
        responses.push((await readAnswer(await fetch(`${host.url}/api/${path}`))).text);
      }
    } finally {
      await host.close();
    }
    expect(responses.length).toBeGreaterThan(10);
  });

  it("leaks neither the client secret nor any access token or assertion into logs, errors, tables or responses", async () => {
    expect(lines.length).toBeGreaterThan(50);
    expectNoSecret("log lines", lines, [wrong]);
    expectNoSecret("error messages", errors, [wrong]);
    expectNoSecret("HTTP responses", responses, [wrong]);
    const entities = await tenantEntities(await tablesOf(env.config), env.tenant.tenantId);
    expect(entities.length).toBeGreaterThan(1_000);
    expectNoSecret(
      "table entities",
      [...entities.map((entity) => JSON.stringify(entity)), ...federatedEntities],
      [wrong],
    );
    expect(federatedEntities.length).toBeGreaterThan(200);
  });
});
