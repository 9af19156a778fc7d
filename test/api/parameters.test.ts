import { HttpRequest } from "@azure/functions";
import { chooseFormat, type Format } from "../../src/api/responseFormat";
import { odata } from "@azure/data-tables";
import { prefixCondition, prefixSuccessor } from "../../src/api/filterParams";

describe("prefix search bounds", () => {
  it.each([
    ["jane", "janf"],
    ["a", "b"],
    ["o'b", "o'c"],
    ["田中", "田丮"],
    ["sam 🎉", "sam 🎊"],
    ["\ud7ff", "\ue000"],
    ["a\u{10ffff}", "b"],
  ])("bounds %j below %j", (prefix, successor) => {
    expect(prefixSuccessor(prefix)).toBe(successor);
    expect(successor > prefix).toBe(true);
    expect(`${prefix}\u{10ffff}zzz` < successor).toBe(true);
  });

  it("has no bound for a prefix of the last code point only", () => {
    expect(prefixSuccessor("\u{10ffff}")).toBeUndefined();
  });

  it("quotes a prefix as the odata tag does, lower-cased", () => {
    expect(prefixCondition("upn", "O'B")).toBe(odata`(upn ge ${"o'b"} and upn lt ${"o'c"})`);
    expect(prefixCondition("name", "\u{10ffff}")).toBe(odata`name ge ${"\u{10ffff}"}`);
  });
});

describe("format negotiation", () => {
  const request = (accept?: string) =>
    new HttpRequest({ method: "GET", url: "http://localhost/api/x", headers: accept === undefined ? {} : { accept } });
  const all: Format[] = ["json", "csv", "ndjson"];

  it.each<[string | undefined, Format[], Format]>([
    [undefined, all, "json"],
    ["*/*", all, "json"],
    ["text/csv", all, "csv"],
    ["text/csv;q=0.9, */*;q=0.1", all, "csv"],
    ["application/json, text/csv", all, "json"],
    ["text/csv, application/json", all, "json"],
    ["application/json;q=0.5, text/csv", all, "csv"],
    ["application/x-ndjson", all, "ndjson"],
    ["application/ndjson", all, "ndjson"],
    ["text/csv", ["json", "ndjson"], "json"],
    ["text/html,application/xhtml+xml,*/*;q=0.8", all, "json"],
    ["text/csv;q=0", all, "json"],
    ["text/csv;q=abc", all, "json"],
  ])("Accept %j with %j offered gives %s", (accept, offered, format) => {
    expect(chooseFormat(request(accept), undefined, offered)).toBe(format);
  });

  it("lets format= win over Accept, and refuses a format the route does not offer", () => {
    expect(chooseFormat(request("text/csv"), "ndjson", all)).toBe("ndjson");
    expect(() => chooseFormat(request(), "csv", ["json", "ndjson"])).toThrow("allowed: json, ndjson");
  });
});
