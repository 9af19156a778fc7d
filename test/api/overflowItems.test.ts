import { parse } from "csv-parse/sync";
import { CHUNK_CHARS, CHUNKS_PER_ROW } from "../../src/store/rowCodec";
import { simulatedWorkspace } from "../../dev/simulator/simulatedWorkspace";
import { syncKind } from "../../src/app/inventory";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";
import { ApiClient } from "./apiClient";

const SEED = 31;
const WORKSPACES = 12;
const HUGE = 9;
// Longer than one row holds, so the item continues in overflow rows, which carry no filter columns.
const description = 'é",' + "x".repeat(CHUNK_CHARS * CHUNKS_PER_ROW + 1000);

let env: TestEnvironment;
let client: ApiClient;
let state: string;

beforeAll(async () => {
  env = await startTestEnvironment({ workspaces: WORKSPACES, seed: SEED });
  client = new ApiClient(env.config);
  env.tenant.edit({ changeWorkspaces: { [HUGE]: (w) => ({ ...w, description }) } });
  expect((await syncKind("workspaces", env.config)).status).toBe("succeeded");
  state = simulatedWorkspace(SEED, HUGE).state;
});
afterAll(() => env.close());

const hugeId = () => simulatedWorkspace(SEED, HUGE).id;

describe("items stored over several rows", () => {
  it.each([
    ["without a filter", false],
    ["with a filter on index columns", true],
  ])("page whole, one at a time, %s", async (_, filtered) => {
    const query: Record<string, string> = filtered ? { state } : {};
    const { items } = await client.allPages("listWorkspaces", { snapshotId: "latest" }, { ...query, top: "1" });
    const expected = Array.from({ length: WORKSPACES }, (_, i) => simulatedWorkspace(SEED, i)).filter(
      (w) => !filtered || w.state === state,
    );
    expect(items.map((item) => item.id).sort()).toEqual(expected.map((w) => w.id).sort());
    expect(items.find((item) => item.id === hugeId())?.description).toBe(description);
  });

  it("export whole with a filter", async () => {
    const answer = await client.call("listWorkspaces", {
      params: { snapshotId: "latest" },
      query: { state, format: "csv", fields: "id,description" },
    });
    const records = parse<Record<string, string>>(answer.bytes, { columns: true });
    expect(records.find((record) => record.id === hugeId())?.description).toBe(description);
  });
});
