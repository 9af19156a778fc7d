import { parse } from "csv-parse/sync";
import { csvField, csvLines } from "../../src/api/csv";

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}

async function text(lines: AsyncIterable<string>): Promise<string> {
  let all = "";
  for await (const line of lines) all += line;
  return all;
}

describe("CSV encoding", () => {
  it.each([
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["carriage\rreturn", '"carriage\rreturn"'],
    ["  spaced  ", "  spaced  "],
    ["Zoë 🚀 田中 محمد", "Zoë 🚀 田中 محمد"],
    [null, ""],
    [undefined, ""],
    [true, "true"],
    [42.5, "42.5"],
    [["a", "b"], '"[""a"",""b""]"'],
    [{ skuId: "x" }, '"{""skuId"":""x""}"'],
  ])("writes %j as %j", (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it("round-trips awkward values through a real CSV parser", async () => {
    const columns = ["id", "name", "note", "licenses", "enabled"];
    const items = [
      {
        id: "1",
        name: 'O\'Brien, "Siobhán"',
        note: "line one\r\nline two\nthree",
        licenses: [{ skuId: "a,b" }],
        enabled: true,
      },
      { id: "2", name: "👩🏾‍💻 Ngozi", note: "", licenses: [], enabled: false },
      { id: "3", name: "no note", licenses: null },
      { id: "4", name: " leading and trailing ", note: '""', licenses: { nested: { deep: ['"q"'] } }, enabled: null },
    ];
    const csv = await text(csvLines(columns, from(items)));
    expect(csv.startsWith("id,name,note,licenses,enabled\r\n")).toBe(true);
    const records = parse<Record<string, string>>(csv, { columns: true });
    expect(records).toEqual([
      {
        id: "1",
        name: 'O\'Brien, "Siobhán"',
        note: "line one\r\nline two\nthree",
        licenses: '[{"skuId":"a,b"}]',
        enabled: "true",
      },
      { id: "2", name: "👩🏾‍💻 Ngozi", note: "", licenses: "[]", enabled: "false" },
      { id: "3", name: "no note", note: "", licenses: "", enabled: "" },
      { id: "4", name: " leading and trailing ", note: '""', licenses: '{"nested":{"deep":["\\"q\\""]}}', enabled: "" },
    ]);
  });
});
