import { ScannerBudgets } from "../../dev/simulator/scannerBudget";
import {
  parseGetInfoBody,
  parseModifiedQuery,
  parseScanOptions,
  parseUtcInstant,
} from "../../dev/simulator/scannerQuery";
import { settingsOf } from "../../dev/simulator/scannerSettings";
import { scanOptions } from "../../dev/simulator/scannerTypes";

const GUID = "97d03602-4873-4760-b37e-1563ef5358e3";

describe("parseUtcInstant", () => {
  it.each<[string, number | undefined]>([
    ["2020-10-02T05:51:30.0000000Z", Date.UTC(2020, 9, 2, 5, 51, 30)],
    ["2020-10-02T05:51:30.1234567Z", Date.UTC(2020, 9, 2, 5, 51, 30, 123)],
    ["2020-10-02T05:51:30.5Z", Date.UTC(2020, 9, 2, 5, 51, 30, 500)],
    ["2020-10-02T05:51:30Z", Date.UTC(2020, 9, 2, 5, 51, 30)],
    ["2020-10-02T05:51Z", Date.UTC(2020, 9, 2, 5, 51)],
    ["2020-10-02T05:51:30", undefined],
    ["2020-10-02T05:51:30+00:00", undefined],
    ["2020-10-02", undefined],
    ["2020-13-02T05:51:30Z", undefined],
    ["2020-10-02T05:51:30.12345678Z", undefined],
    ["", undefined],
  ])("reads %j as %p", (text, expected) => {
    expect(parseUtcInstant(text)).toBe(expected);
  });
});

describe("parseModifiedQuery", () => {
  const now = Date.UTC(2025, 0, 15, 12);
  const bounds = { minAgeMs: 30 * 60_000, maxAgeMs: 30 * 86_400_000 };
  const parse = (query: string): unknown => parseModifiedQuery(new URLSearchParams(query), now, bounds);

  it.each<[string, unknown]>([
    ["", { excludePersonalWorkspaces: false, excludeInActiveWorkspaces: false }],
    [
      "excludePersonalWorkspaces=True&excludeInActiveWorkspaces=FALSE",
      { excludePersonalWorkspaces: true, excludeInActiveWorkspaces: false },
    ],
    [
      "modifiedSince=2025-01-15T11:30:00Z",
      { modifiedSince: now - 30 * 60_000, excludePersonalWorkspaces: false, excludeInActiveWorkspaces: false },
    ],
    [
      "modifiedSince=2024-12-16T12:00:00.0000000Z",
      { modifiedSince: now - 30 * 86_400_000, excludePersonalWorkspaces: false, excludeInActiveWorkspaces: false },
    ],
  ])("accepts %j", (query, expected) => {
    expect(parse(query)).toEqual(expected);
  });

  it.each([
    "modifiedSince=2025-01-15T11:30:00.001Z",
    "modifiedSince=2024-12-16T11:59:59.999Z",
    "modifiedSince=",
    "excludePersonalWorkspaces=1",
    "$top=10",
  ])("refuses %j with a message", (query) => {
    expect(typeof parse(query)).toBe("string");
  });
});

describe("parseScanOptions and parseGetInfoBody", () => {
  it("reads the five flags in any case, false when left out", () => {
    expect(parseScanOptions(new URLSearchParams("lineage=True&datasetSchema=true&getArtifactUsers=FALSE"))).toEqual(
      scanOptions({ lineage: true, datasetSchema: true }),
    );
    expect(typeof parseScanOptions(new URLSearchParams("lineage=1"))).toBe("string");
    expect(typeof parseScanOptions(new URLSearchParams("schema=true"))).toBe("string");
  });

  it.each<[string, unknown]>([
    [JSON.stringify({ workspaces: [GUID, GUID.toUpperCase()] }), [GUID, GUID.toUpperCase()]],
    [JSON.stringify({ workspaces: Array.from({ length: 100 }, () => GUID) }), Array.from({ length: 100 }, () => GUID)],
    [JSON.stringify({ workspaces: [] }), "string"],
    [JSON.stringify({ workspaces: Array.from({ length: 101 }, () => GUID) }), "string"],
    [JSON.stringify({ workspaces: [`{${GUID}}`] }), "string"],
    [JSON.stringify({ workspaces: GUID }), "string"],
    [JSON.stringify([GUID]), "string"],
    ["", "string"],
  ])("parses %s", (body, expected) => {
    const parsed = parseGetInfoBody(body);
    if (expected === "string") expect(typeof parsed).toBe("string");
    else expect(parsed).toEqual(expected);
  });
});

describe("scanner settings and budgets", () => {
  it.each<[string, object]>([
    ["windowMs", { windowMs: 0 }],
    ["scanDelayMs", { scanDelayMs: -1 }],
    ["resultLifetimeMs", { resultLifetimeMs: Number.NaN }],
    ["maxConcurrentScans", { maxConcurrentScans: 0 }],
    ["limits.getInfo", { limits: { getInfo: 1.5 } }],
  ])("names a bad %s", (name, options) => {
    expect(() => settingsOf(options)).toThrow(name);
  });

  it("refills at each window boundary counted from the origin, with Retry-After in whole seconds", () => {
    let now = 1000;
    const budgets = new ScannerBudgets(() => now, 1000, 10_000, {
      modified: 1,
      getInfo: 1,
      scanStatus: 1,
      scanResult: 1,
    });
    expect(budgets.spend("modified")).toEqual({ ok: true });
    now = 1000 + 2500;
    expect(budgets.spend("modified")).toEqual({ ok: false, retryAfterSeconds: 8 });
    expect(budgets.spend("getInfo")).toEqual({ ok: true });
    now = 1000 + 9999;
    expect(budgets.spend("modified")).toEqual({ ok: false, retryAfterSeconds: 1 });
    now = 1000 + 10_000;
    expect(budgets.spend("modified")).toEqual({ ok: true });
    expect(budgets.state("getInfo")).toEqual({ limit: 1, used: 0, remaining: 1, resetsInMs: 10_000 });
  });
});
