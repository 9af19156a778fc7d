import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const SCRIPT = join(ROOT, "dev", "local", "freshBuild.mjs");

/**
 * dev/local/freshBuild.mjs on a project of its own (two source files, the repo's TypeScript): it must build what is
 * missing or stale and nothing else. Whether an output was rewritten is read from its modification time.
 */
describe("freshBuild (what npm start, sync, jest and bench build through)", () => {
  let dir: string;
  const out = (name: string) => join(dir, "dist", "src", `${name}.js`);
  const mtime = (path: string) => statSync(path).mtimeMs;
  const build = (env: NodeJS.ProcessEnv = process.env) => {
    const run = spawnSync(process.execPath, [SCRIPT], { cwd: dir, encoding: "utf8", env });
    return { code: run.status, output: `${run.stdout}${run.stderr}` };
  };
  /** Moves the inputs and then the outputs into the past, in that order, so a rewrite shows on any clock. */
  const age = () => {
    const [inputs, outputs] = [new Date(Date.now() - 120_000), new Date(Date.now() - 60_000)];
    for (const path of ["package-lock.json", "tsconfig.build.json", "src/a.ts", "src/b.ts", "src"]) {
      utimesSync(join(dir, path), inputs, inputs);
    }
    for (const path of [out("a"), out("b"), join(dir, "dist", "tsconfig.build.tsbuildinfo")]) {
      utimesSync(path, outputs, outputs);
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "tenant-inventory-build-"));
    mkdirSync(join(dir, "src"));
    // TypeScript alone: the repo's own node_modules carries install stamps of its own.
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(join(ROOT, "node_modules", "typescript"), join(dir, "node_modules", "typescript"), "dir");
    writeFileSync(
      join(dir, "tsconfig.build.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: "Node16",
          types: [],
          lib: ["ES2022"],
          skipLibCheck: true,
          outDir: "dist",
          rootDir: ".",
          incremental: true,
          tsBuildInfoFile: "dist/tsconfig.build.tsbuildinfo",
        },
        include: ["src"],
      }),
    );
    writeFileSync(join(dir, "package-lock.json"), "{}");
    writeFileSync(join(dir, "src", "a.ts"), 'export const a: string = "a";\n');
    writeFileSync(join(dir, "src", "b.ts"), 'import { a } from "./a";\nexport const b = `${a}b`;\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("builds a clean tree, then leaves every output alone while nothing changed", () => {
    expect(build().code).toBe(0);
    age();
    const before = [mtime(out("a")), mtime(out("b"))];
    expect(build()).toEqual({ code: 0, output: "" });
    expect([mtime(out("a")), mtime(out("b"))]).toEqual(before);
  });

  /** freshBuild.mjs's own verdict: whether it would skip loading tsc at all. */
  const isCurrent = () => {
    const script = `import(${JSON.stringify(SCRIPT)}).then((m) => console.log(m.isCurrent(process.cwd())))`;
    return spawnSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8" }).stdout.trim();
  };

  it("does not even load tsc while nothing is newer than a clean build", () => {
    expect(isCurrent()).toBe("false");
    expect(build().code).toBe(0);
    age();
    expect(isCurrent()).toBe("true");
    writeFileSync(join(dir, "src", "notes.md"), "not TypeScript\n");
    expect(isCurrent()).toBe("false"); // the folder changed: tsc decides
    age();
    expect(isCurrent()).toBe("true");
    writeFileSync(join(dir, "src", "b.ts"), "export const b = 2;\n");
    expect(isCurrent()).toBe("false");
  });

  it("leaves a build with errors to tsc, which reports them again", () => {
    writeFileSync(join(dir, "src", "a.ts"), "export const a: string = 1;\n");
    expect(build().code).not.toBe(0);
    age();
    expect(isCurrent()).toBe("false");
    const again = build();
    expect(again.code).not.toBe(0);
    expect(again.output).toContain("TS2322");
  });

  it("rebuilds an output that was deleted, which tsc -b alone would not notice", () => {
    expect(build().code).toBe(0);
    rmSync(out("b"));
    const run = build();
    expect(run.code).toBe(0);
    expect(run.output).toContain("dist/src/b.js is missing");
    expect(statSync(out("b")).isFile()).toBe(true);
  });

  it("rebuilds everything when the dependencies were installed again", () => {
    expect(build().code).toBe(0);
    age();
    const before = mtime(out("a"));
    writeFileSync(join(dir, "package-lock.json"), "{}");
    const run = build();
    expect(run.output).toContain("package-lock.json is newer than the last build");
    expect(mtime(out("a"))).toBeGreaterThan(before);
  });

  it("rebuilds a changed source and fails with tsc's errors", () => {
    expect(build().code).toBe(0);
    writeFileSync(join(dir, "src", "a.ts"), "export const a: string = 1;\n");
    const run = build();
    expect(run.code).not.toBe(0);
    expect(run.output).toContain("TS2322");
  });

  it("builds under a heap limit in NODE_OPTIONS that is too small for tsc", () => {
    // A 512 MB instance runs the product with --max-old-space-size=192, too small for tsc on this project; 16 MB is
    // too small for tsc on these two files. The limit is for the product, not for its build.
    const run = build({ ...process.env, NODE_OPTIONS: "--max-old-space-size=16 --no-deprecation" });
    expect(run.output).not.toContain("heap out of memory");
    expect(run.code).toBe(0);
    expect(statSync(out("b")).isFile()).toBe(true);
  });
});
