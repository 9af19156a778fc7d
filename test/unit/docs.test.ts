import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { API_VERSION } from "../../src/api/openApiRoute";
import { BASE_SETTING_NAMES } from "../../src/config/config";
import { KINDS } from "../../src/kinds/registry";
import { DEFAULT_USER_SELECT } from "../../src/kinds/users/usersKind";

const ROOT = join(__dirname, "..", "..");
const read = (...parts: string[]) => readFileSync(join(ROOT, ...parts), "utf8");

/** The setting names the first column of docs/settings.md's tables names (`A` or `A` or `B`). */
function documentedSettings(): Set<string> {
  const names = new Set<string>();
  for (const line of read("docs", "settings.md").split("\n")) {
    const cell = /^\| ([^|]+)\|/.exec(line)?.[1] ?? "";
    for (const match of cell.matchAll(/`([A-Za-z_]+)`/g)) names.add(match[1]!);
  }
  return names;
}

/** The documentation a reader browses: README.md, CHANGELOG.md and docs/*.md, as paths from the repository root. */
function documents(): string[] {
  const docs = readdirSync(join(ROOT, "docs")).filter((name) => name.endsWith(".md"));
  return ["README.md", "CHANGELOG.md", ...docs.map((name) => `docs/${name}`)];
}

/** Markdown without its fenced blocks, where `#` lines are not headings. */
function unfenced(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```\s*$/gm, "");
}

/** Markdown without its fenced blocks and inline code, where `[x](y)` is not a link. */
function prose(markdown: string): string {
  return unfenced(markdown).replace(/`[^`\n]*`/g, "");
}

/** The targets of a document's links and images, as written (`docs/api.md#paging`, `#licences`). */
function linkTargets(markdown: string): string[] {
  return [...prose(markdown).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]!);
}

/** The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces as `-`, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of unfenced(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = heading!.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/`/g, "");
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** What is wrong with a relative link from `document`, or undefined when its file (and heading) exist. */
function brokenLink(document: string, target: string): string | undefined {
  const [path = "", anchor] = target.split("#", 2) as [string, string | undefined];
  const file = path === "" ? document : relative(ROOT, join(ROOT, dirname(document), decodeURIComponent(path)));
  if (!existsSync(join(ROOT, file))) return `${file} does not exist`;
  if (anchor === undefined || !file.endsWith(".md")) return undefined;
  return headingAnchors(read(file)).has(anchor) ? undefined : `${file} has no heading #${anchor}`;
}

describe("the docs", () => {
  const app = [...BASE_SETTING_NAMES, ...KINDS.flatMap((kind) => Object.keys(kind.settings))];

  it.each(app)("list the setting %s in docs/settings.md", (name) => {
    expect(documentedSettings()).toContain(name);
  });

  it("list no setting the app does not read, beyond the local host's and the simulated tenant's", () => {
    const local = ["PORT", "SIMULATOR_USERS", "SIMULATOR_WORKSPACES", "SIMULATOR_CREDENTIAL", "SIMULATOR_CHANGES"];
    expect([...documentedSettings()].filter((name) => !app.includes(name) && !local.includes(name))).toEqual([]);
  });

  it("write out GRAPH_USER_SELECT's default, as the app has it", () => {
    const row = read("docs", "settings.md")
      .split("\n")
      .find((line) => line.startsWith("| `GRAPH_USER_SELECT`"));
    expect(row).toContain(`\`${DEFAULT_USER_SELECT.join(",")}\``);
  });

  it("give the OpenAPI document the app's own version", () => {
    expect(API_VERSION).toBe((JSON.parse(read("package.json")) as { version: string }).version);
  });

  it("are each linked from the README: every docs/*.md and the changelog", () => {
    const linked = new Set(linkTargets(read("README.md")).map((target) => target.split("#")[0]));
    const wanted = documents().filter((document) => document !== "README.md");
    expect(wanted.filter((document) => !linked.has(document))).toEqual([]);
    expect(wanted).toEqual(expect.arrayContaining(["CHANGELOG.md", "docs/api.md", "docs/deploy.md"]));
  });

  it.each(documents())("link from %s only to files and headings that exist", (document) => {
    const relativeTargets = linkTargets(read(document)).filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
    const broken = relativeTargets.flatMap((target) => {
      const problem = brokenLink(document, target);
      return problem === undefined ? [] : [`${target}: ${problem}`];
    });
    expect(broken).toEqual([]);
  });

  it("find links and heading anchors as GitHub does, so that a broken one fails", () => {
    const sample = [
      "# Deploy to Azure",
      "## 2. Grant Microsoft Graph `User.Read.All` as an application permission",
      "## Errors",
      "## Errors",
      "```sh",
      "# a comment, not a heading [not](a-link.md)",
      "```",
      "See [step 2](#2-grant-microsoft-graph-userreadall-as-an-application-permission), `[code](x.md)` and",
      "![an image,",
      "on two lines](docs/dashboard.png).",
    ].join("\n");
    expect(linkTargets(sample)).toEqual([
      "#2-grant-microsoft-graph-userreadall-as-an-application-permission",
      "docs/dashboard.png",
    ]);
    expect([...headingAnchors(sample)]).toEqual([
      "deploy-to-azure",
      "2-grant-microsoft-graph-userreadall-as-an-application-permission",
      "errors",
      "errors-1",
    ]);
    expect(brokenLink("README.md", "docs/api.md#paging")).toBeUndefined();
    expect(brokenLink("docs/api.md", "../README.md#no-such-heading")).toBe("README.md has no heading #no-such-heading");
    expect(brokenLink("docs/api.md", "missing.md")).toBe("docs/missing.md does not exist");
  });
});
