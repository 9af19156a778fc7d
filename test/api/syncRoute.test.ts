import { inventoryFor } from "../../src/app/inventory";
import { InvocationContext, type Timer } from "@azure/functions";
import { functionDefinitions, type TimerFunction } from "../../src/functions/definitions";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";
import { ApiClient, errorCode, errorMessage } from "./apiClient";

const USERS = 250;

let env: TestEnvironment;
let client: ApiClient;

beforeAll(async () => {
  env = await startTestEnvironment({ users: USERS, workspaces: 5, seed: 4 });
  client = new ApiClient(env.config);
});
afterAll(() => env.close());

/** Fires the resume timer the way the host would on its schedule. */
async function runResumeTimer(): Promise<void> {
  const timer = functionDefinitions(inventoryFor(env.config)).find(
    (d): d is TimerFunction => d.trigger === "timer" && d.name === "resumeSyncs",
  )!;
  const info: Timer = {
    isPastDue: false,
    schedule: { adjustForDST: false },
    scheduleStatus: { last: "", next: "", lastUpdated: "" },
  };
  await timer.handler(info, new InvocationContext({ functionName: "resumeSyncs", logHandler: () => undefined }));
}

describe("POST /sync/{kind}", () => {
  let queued: string;

  it("queues a run and answers 202 with its snapshot id and where to poll it", async () => {
    const answer = await client.call("requestSync", { params: { kind: "users" } });
    expect(answer.status).toBe(202);
    queued = answer.body.snapshotId as string;
    expect(answer.body).toEqual({ snapshotId: queued, kind: "users", status: "queued" });
    expect(queued).toMatch(/^\d{8}T\d{9}Z-users-[0-9a-f]{6}$/);
    expect(answer.headers.get("location")).toBe(`/api/snapshots/${queued}`);
    const manifest = await client.call("getSnapshot", { params: { snapshotId: queued } });
    expect(manifest.body).toMatchObject({ id: queued, kind: "users", status: "queued" });
    expect(manifest.headers.get("etag")).toBeNull();
  });

  it("answers 409 naming the run already queued", async () => {
    const answer = await client.call("requestSync", { params: { kind: "users" } });
    expect(answer.status).toBe(409);
    expect(answer.body).toEqual({
      error: { code: "SyncAlreadyRunning", message: expect.stringContaining(queued) as string, snapshotId: queued },
    });
  });

  it("lets the other kind start meanwhile", async () => {
    const answer = await client.call("requestSync", { params: { kind: "workspaces" } });
    expect(answer.status).toBe(202);
    expect(answer.body.kind).toBe("workspaces");
  });

  it("is carried out by the resume timer, after which a new request is accepted", async () => {
    await runResumeTimer();
    const manifest = await client.call("getSnapshot", { params: { snapshotId: queued } });
    expect(manifest.body).toMatchObject({ status: "succeeded", counts: { users: USERS } });
    const latest = await client.call("getSnapshot", { params: { snapshotId: "latest" }, query: { kind: "users" } });
    expect(latest.body.id).toBe(queued);
    const again = await client.call("requestSync", { params: { kind: "users" } });
    expect(again.status).toBe(202);
    expect(again.body.snapshotId).not.toBe(queued);
  });

  it("answers an unknown kind with 400 listing the kinds", async () => {
    const answer = await client.call("requestSync", { params: { kind: "groups" } });
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe("InvalidParameter");
    expect(errorMessage(answer)).toContain('"users"|"workspaces"');
  });
});
