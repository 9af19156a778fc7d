import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = join(__dirname, "..", "..");
const MARKER = /^<!--\s*runnable-examples\s*-->\s*$/;

export interface RunnableExample {
  /** The comment that opens the example, without `#`. */
  title: string;
  /** `README.md:123`: where the example starts. */
  source: string;
  /** What the block runs before its first example (variables the examples share). */
  setup: string;
  /** The example's lines as written, its opening comment included. */
  code: string;
}

/**
 * The examples of every fenced block of `language` (`sh`, `powershell`) that a `<!-- runnable-examples -->` line
 * marks, in README.md and docs/*.md, read as they are so that the documentation cannot drift from what is tested.
 * A block is split at blank lines: the paragraphs before the first comment are its setup, and each paragraph that
 * starts with a comment begins an example (paragraphs without one continue it).
 */
export function runnableExamples(language: string): RunnableExample[] {
  const docs = join(ROOT, "docs");
  const files = [
    join(ROOT, "README.md"),
    ...(existsSync(docs) ? readdirSync(docs).filter((name) => name.endsWith(".md")) : []).map((name) =>
      join(docs, name),
    ),
  ];
  return files.flatMap((file) => examplesIn(relative(ROOT, file), readFileSync(file, "utf8"), language));
}

function examplesIn(name: string, text: string, language: string): RunnableExample[] {
  const lines = text.split(/\r?\n/);
  const examples: RunnableExample[] = [];
  for (let at = 0; at < lines.length; at++) {
    if (!MARKER.test(lines[at]!)) continue;
    let open = at + 1;
    while (lines[open]?.trim() === "") open++;
    const fence = /^```(\w+)\s*$/.exec(lines[open] ?? "");
    if (fence === null) throw new Error(`${name}:${at + 1}: runnable-examples is not followed by a fenced block`);
    const close = lines.findIndex((line, index) => index > open && line.startsWith("```"));
    if (close === -1) throw new Error(`${name}:${open + 1}: the fenced block is not closed`);
    if (fence[1] === language) examples.push(...split(name, lines, open + 1, close));
    at = close;
  }
  return examples;
}

function split(name: string, lines: string[], from: number, to: number): RunnableExample[] {
  const setup: string[] = [];
  const examples: RunnableExample[] = [];
  let paragraph: { start: number; lines: string[] } | undefined;
  const flush = () => {
    if (paragraph === undefined) return;
    const [first] = paragraph.lines;
    const last = examples.at(-1);
    if (first!.startsWith("#") && !first!.startsWith("#!")) {
      examples.push({
        title: first!.replace(/^#\s*/, ""),
        source: `${name}:${paragraph.start + 1}`,
        setup: setup.join("\n"),
        code: paragraph.lines.join("\n"),
      });
    } else if (last === undefined) setup.push(...paragraph.lines);
    else last.code += `\n\n${paragraph.lines.join("\n")}`;
    paragraph = undefined;
  };
  for (let index = from; index < to; index++) {
    const line = lines[index]!;
    if (line.trim() === "") flush();
    else (paragraph ??= { start: index, lines: [] }).lines.push(line);
  }
  flush();
  return examples;
}

/**
 * Values in a stream of JSON texts printed one after the other (pretty or compact, as jq and curl print them),
 * in order. Throws on anything else, so that stray output fails the test.
 */
export function jsonValues(text: string): unknown[] {
  const values: unknown[] = [];
  let at = 0;
  while (at < text.length) {
    while (at < text.length && /\s/.test(text[at]!)) at++;
    if (at >= text.length) break;
    const end = jsonEnd(text, at);
    values.push(JSON.parse(text.slice(at, end)) as unknown);
    at = end;
  }
  return values;
}

/** Where the object or array starting at `start` ends (strings and escapes respected). */
function jsonEnd(text: string, start: number): number {
  if (text[start] !== "{" && text[start] !== "[") throw new Error(`not JSON at ${start}: ${text.slice(start, 80)}`);
  let depth = 0;
  let inString = false;
  for (let at = start; at < text.length; at++) {
    const char = text[at];
    if (inString) {
      if (char === "\\") at++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{" || char === "[") depth++;
    else if ((char === "}" || char === "]") && --depth === 0) return at + 1;
  }
  throw new Error(`unterminated JSON from ${start}`);
}
