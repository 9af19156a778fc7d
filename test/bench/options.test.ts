import { parseBenchArgs } from "../../bench/options";

describe("bench flags", () => {
  it("defaults to the issue's sizes", () => {
    expect(parseBenchArgs([])).toMatchObject({
      users: 100_000,
      workspaces: 10_000,
      naiveRows: 5_000,
      httpSeconds: 10,
      layouts: [100, 200, 400, 800],
      ceilingConcurrencies: [8, 16, 32],
      syncRuns: 2,
      readSamples: 100,
      smallTop: 1_000,
      catalogWorkspaces: 5_000,
      catalogBudget: 5,
      catalogWindowSeconds: 30,
      catalogLineageWorkspaces: 1_000,
      dashboardSnapshots: 30,
      catalogLargestWorkspaces: 20_000,
      cpuProfDir: undefined,
    });
  });

  it.each([
    [["--users", "2000"], { users: 2000, workspaces: 10_000 }],
    [["--users", "200_000", "--workspaces", "5"], { users: 200_000, workspaces: 5 }],
    [["--quick"], { users: 2000, workspaces: 200, naiveRows: 500, httpSeconds: 2 }],
    [["--quick", "--users", "50"], { users: 50, workspaces: 200 }],
    [["--concurrency", "4,64"], { ceilingConcurrencies: [4, 64] }],
    [["--layouts", "125,250", "--sync-runs", "3"], { layouts: [125, 250], syncRuns: 3 }],
    [["--read-samples", "7", "--small-top", "500"], { readSamples: 7, smallTop: 500 }],
    [["--out", "/tmp/x", "--cpu-prof", "/tmp/p"], { outDir: "/tmp/x", cpuProfDir: "/tmp/p" }],
    [
      ["--catalog-workspaces", "300", "--catalog-budget", "1", "--catalog-window-seconds", "8"],
      { catalogWorkspaces: 300, catalogBudget: 1, catalogWindowSeconds: 8 },
    ],
    [
      ["--quick"],
      { catalogWorkspaces: 1_000, catalogBudget: 4, catalogWindowSeconds: 15, catalogLineageWorkspaces: 200 },
    ],
    [["--catalog-lineage-workspaces", "100"], { catalogLineageWorkspaces: 100 }],
    [["--dashboard-snapshots", "3"], { dashboardSnapshots: 3 }],
    [
      ["--catalog-lineage-workspaces", "100", "--catalog-largest-workspaces", "300"],
      { catalogLineageWorkspaces: 100, catalogLargestWorkspaces: 300 },
    ],
  ])("reads %j", (args, expected) => {
    expect(parseBenchArgs(args)).toMatchObject(expected);
  });

  it.each([
    [["--users"], "--users needs a value"],
    [["--users", "0"], "is not an integer ≥ 1"],
    [["--users", "1e3"], "is not an integer ≥ 1"],
    [["--http-seconds", "-1"], "is not an integer ≥ 1"],
    [["--concurrency", "8,x"], "is not an integer ≥ 1"],
    [["--catalog-window-seconds", "0"], "is not an integer ≥ 1"],
    [["--fast"], "unknown flag --fast"],
  ])("refuses %j", (args, message) => {
    expect(() => parseBenchArgs(args)).toThrow(message);
  });
});
