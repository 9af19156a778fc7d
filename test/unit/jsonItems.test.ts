import fc from "fast-check";
import { indexJsonItems, JsonSyntaxError } from "../../src/upstream/jsonItems";

const index = (text: string, members: string[] = ["value"]) => indexJsonItems([Buffer.from(text, "utf8")], members);
const itemsOf = (text: string, member = "value") => [...index(text, [member]).items(member)];

describe("indexJsonItems", () => {
  it("reads a page's items one by one and the rest of its envelope whole", () => {
    const text = `{"@odata.context":"ctx","@odata.count":3,"value":[{"id":"a","users":[{"x":1}]},{"id":"b"},{"id":"c"}],"@odata.nextLink":"next"}`;
    const page = index(text);
    expect(page.envelope).toEqual({ "@odata.context": "ctx", "@odata.count": 3, "@odata.nextLink": "next" });
    expect(page.count("value")).toBe(3);
    expect([...page.items("value")]).toEqual([{ id: "a", users: [{ x: 1 }] }, { id: "b" }, { id: "c" }]);
    expect(page.bytes).toBe(Buffer.byteLength(text));
  });

  it.each([
    ["an empty array", `{"value":[]}`, [], 0],
    [
      "scalars, with space everywhere",
      ` { "value" : [ 1 , "a,]}" , true , null , -2.5e3 ] } `,
      [1, "a,]}", true, null, -2500],
      5,
    ],
    ["nested arrays and escapes", `{"value":[[1,[2]],{"k":"\\"}{[\\u00e9"}]}`, [[1, [2]], { k: '"}{[é' }], 2],
    ["multi-byte text", `{"value":["ü€😀",{"ä":"ö"}]}`, ["ü€😀", { ä: "ö" }], 2],
    ["a byte order mark", `\ufeff{"value":[1]}`, [1], 1],
    ["the last of two arrays of the same name", `{"value":[1],"value":[2,3]}`, [2, 3], 2],
  ])("reads %s", (_what, text, items, count) => {
    expect(itemsOf(text)).toEqual(items);
    expect(index(text).count("value")).toBe(count);
  });

  it.each([
    ["absent", `{"other":[1]}`, { other: [1] }],
    ["null", `{"value":null}`, { value: null }],
    ["an object", `{"value":{"a":[1]}}`, { value: { a: [1] } }],
    ["replaced by a later member of the same name", `{"value":[1],"value":"x"}`, { value: "x" }],
  ])("has no items when the member is %s, which stays in the envelope", (_what, text, envelope) => {
    const page = index(text);
    expect(page.count("value")).toBeUndefined();
    expect([...page.items("value")]).toEqual([]);
    expect(page.envelope).toEqual(envelope);
  });

  it("keeps a member named __proto__ as JSON.parse does, an own property", () => {
    const page = index(`{"__proto__":{"polluted":true},"value":[]}`);
    expect(Object.getPrototypeOf(page.envelope)).toBe(Object.prototype);
    expect(page.envelope).toEqual(JSON.parse(`{"__proto__":{"polluted":true}}`));
  });

  it("reads several arrays item by item, and only at the root", () => {
    const text = `{"workspaces":[{"id":"w","datasourceInstances":[9]}],"datasourceInstances":[{"d":1},{"d":2}],"misc":[0]}`;
    const scan = index(text, ["workspaces", "datasourceInstances"]);
    expect([...scan.items("workspaces")]).toEqual([{ id: "w", datasourceInstances: [9] }]);
    expect([...scan.items("datasourceInstances")]).toEqual([{ d: 1 }, { d: 2 }]);
    expect(scan.envelope).toEqual({ misc: [0] });
  });

  it.each([["[1,2]"], ['"text"'], ["3"]])("gives a root that is not an object no envelope and no items: %s", (text) => {
    const page = index(text);
    expect(page.envelope).toEqual({});
    expect(page.count("value")).toBeUndefined();
  });

  it.each([
    [""],
    ["{"],
    ['{"value":[1,2'],
    ['{"value":[{"id":"a"},{"id":'],
    ['{"value":[1,]}'],
    ['{"value":[1}]'],
    ['{"a" 1}'],
    ['{"a":1,}'],
    ['{"a":1 "b":2}'],
    ["{'a':1}"],
    ['{"value":[{"a":[1 2]}]}'],
    ['{"value":[1]} x'],
    ["{} {}"],
    ['{"value":[nul]}'],
    ['{"value":["abc]}'],
    ["<html>Service Unavailable</html>"],
  ])("refuses %j as JSON.parse does", (text) => {
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(() => index(text)).toThrow(JsonSyntaxError);
  });

  it("agrees with JSON.parse on any object: the same items and the same envelope", () => {
    const page = fc.record({ value: fc.array(fc.jsonValue()), head: fc.dictionary(fc.string(), fc.jsonValue()) });
    fc.assert(
      fc.property(page, fc.nat(4), ({ value, head }, spaces) => {
        const text = JSON.stringify({ ...head, value }, null, spaces);
        const parsed = JSON.parse(text) as Record<string, unknown>;
        const { value: items, ...envelope } = parsed;
        const indexed = index(text);
        expect([...indexed.items("value")]).toEqual(items);
        expect(indexed.count("value")).toBe((items as unknown[]).length);
        expect(indexed.envelope).toEqual(envelope);
      }),
    );
  });

  it("skips a byte order mark cut into single bytes after an empty chunk", () => {
    // The counterexample fast-check found below (seed 1249025351): the mark's bytes in the second to fourth chunks.
    const body = Buffer.from(`\ufeff{"value":[1]}`, "utf8");
    const chunks = [body.subarray(0, 0), body.subarray(0, 1), body.subarray(1, 2), body.subarray(2)];
    const cut = indexJsonItems(chunks, ["value"]);
    expect([...cut.items("value")]).toEqual([1]);
    expect(cut.bytes).toBe(body.length - 3);
  });

  it("reads the same however the body was cut into chunks, even inside a character", () => {
    const page = fc.record({ value: fc.array(fc.jsonValue()), head: fc.dictionary(fc.string(), fc.jsonValue()) });
    fc.assert(
      fc.property(page, fc.array(fc.nat(), { maxLength: 12 }), ({ value, head }, cuts) => {
        const body = Buffer.from(`\ufeff${JSON.stringify({ ...head, value })}`, "utf8");
        const places = [...new Set(cuts.map((cut) => cut % (body.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...places].map((start, i) => body.subarray(start, [...places, body.length][i]));
        const whole = index(body.toString("utf8"));
        const cut = indexJsonItems(chunks, ["value"]);
        expect([...cut.items("value")]).toEqual([...whole.items("value")]);
        expect(cut.envelope).toEqual(whole.envelope);
        expect(cut.bytes).toBe(body.length - 3);
      }),
    );
  });

  it("refuses exactly what JSON.parse refuses, on documents with one character dropped or added", () => {
    const edit = fc.record({ at: fc.nat(), drop: fc.boolean(), char: fc.constantFrom(..."{}[],:\"'0-e. an\\") });
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), edit, (object, { at, drop, char }) => {
        const text = JSON.stringify({ value: Object.values(object), ...object });
        const place = at % (text.length + 1);
        const edited = drop
          ? text.slice(0, place) + text.slice(place + 1)
          : text.slice(0, place) + char + text.slice(place);
        let parsed = true;
        try {
          JSON.parse(edited);
        } catch {
          parsed = false;
        }
        if (parsed) expect(() => index(edited)).not.toThrow();
        else expect(() => index(edited)).toThrow(JsonSyntaxError);
      }),
      { numRuns: 2_000 },
    );
  });
});
