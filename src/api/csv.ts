/**
 * RFC 4180 CSV: CRLF line ends, and a field is quoted (quotes doubled) when it holds a comma, a quote, CR or LF.
 * Arrays and objects go into one cell as JSON text, so nothing nested is lost; null and missing are empty.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text =
    typeof value === "string"
      ? value
      : typeof value === "number" || typeof value === "boolean"
        ? String(value)
        : (JSON.stringify(value) ?? "");
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record: the fields in column order, with its CRLF. */
export function csvRecord(values: readonly unknown[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}

/** The header, then one record per item with the columns' values. */
export async function* csvLines(
  columns: readonly string[],
  items: AsyncIterable<Record<string, unknown>>,
): AsyncGenerator<string> {
  yield csvRecord(columns);
  for await (const item of items) yield csvRecord(columns.map((column) => item[column]));
}
