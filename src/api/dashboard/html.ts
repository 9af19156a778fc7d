/** Markup that is already safe to put in a page: only the `html` template makes one from text. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Text as HTML: the five characters that could end an element or an attribute value are escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * A template of markup whose every interpolation is escaped, unless it is Html already: counts names, field names
 * and error messages come from upstream and storage, and none may end up as markup. Arrays are joined; undefined,
 * null and false render nothing.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  const parts = compact(strings);
  let out = parts[0] ?? "";
  values.forEach((value, index) => {
    out += render(value) + (parts[index + 1] ?? "");
  });
  return new Html(out);
}

const compacted = new WeakMap<TemplateStringsArray, string[]>();

/**
 * A template's own text with each line's indentation dropped (a newline stays, so whitespace still separates what
 * it separated): the page's source is indented for people, its bytes need not be. Interpolated values are untouched.
 */
function compact(strings: TemplateStringsArray): string[] {
  let parts = compacted.get(strings);
  if (parts === undefined) {
    parts = strings.map((part) => part.replace(/\n[ \t]+/g, "\n"));
    compacted.set(strings, parts);
  }
  return parts;
}

function render(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === undefined || value === null || value === false) return "";
  if (typeof value === "string") return escapeHtml(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new Error("only text, numbers and Html go into markup");
}
