import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killMarked, markedProcesses, markedProcessesAfter, MARKER } from "../support/markedProcesses";

// `npm start`'s built entry in simulated mode, run as a terminal runs it (a process group of its own), in an empty
// folder so that no local.settings.json points it at a real tenant. Linux: processes are found through /proc.
const START = join(__dirname, "..", "..", "dist", "dev", "local", "start.js");
const NOISE = /ECONNREFUSED|could not be recorded|ECONNRESET|Unexpected error/;

interface Started {
  child: ChildProcess;
  marker: string;
  output: () => string;
  /** Resolves once the output has a line containing `text`; rejects if the process exits first. */
  printed(text: string): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: Started[] = [];
let cwd: string;
beforeAll(() => void (cwd = mkdtempSync(join(tmpdir(), "tenant-inventory-start-"))));
afterEach(() => {
  for (const run of started.splice(0)) killMarked(run.marker);
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function npmStart(settings: Record<string, string>): Started {
  const marker = randomUUID();
  // What the test run itself has set up (trust of its own simulated tenant, its storage) is not passed on.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(INVENTORY_|SIMULATOR_|IDENTITY_|TEST_|NODE_EXTRA_CA_CERTS$|PORT$)/.test(name),
    ),
  );
  const child = spawn(process.execPath, [START], {
    cwd,
    env: { ...inherited, PORT: "0", [MARKER]: marker, ...settings },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const waiting: { text: string; resolve: () => void }[] = [];
  const collect = (chunk: Buffer) => {
    text += chunk.toString();
    for (const wait of waiting.filter((candidate) => text.includes(candidate.text))) {
      waiting.splice(waiting.indexOf(wait), 1);
      wait.resolve();
    }
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const run: Started = {
    child,
    marker,
    output: () => text,
    printed: (wanted) =>
      text.includes(wanted)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiting.push({ text: wanted, resolve })),
            exited.then(() => {
              if (!text.includes(wanted)) throw new Error(`exited before printing "${wanted}":\n${text}`);
            }),
          ]),
    exited,
  };
  started.push(run);
  return run;
}

/** A process's environment, from /proc. */
function readEnvironment(pid: number): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const entry of readFileSync(`/proc/${pid}/environ`, "latin1").split("\0")) {
    const equals = entry.indexOf("=");
    if (equals > 0) environment[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return environment;
}

/** Ctrl-C in a terminal: SIGINT to the whole foreground process group. */
const ctrlC = (run: Started) => process.kill(-run.child.pid!, "SIGINT");

/** The output after the first line containing `text`. */
const after = (output: string, text: string) => output.slice(output.indexOf(text));

describe("npm start stops everything it started, on every way out", () => {
  it("a bad setting: exits 2 naming it, before Azurite is started, and leaves no process behind", async () => {
    const run = npmStart({ INVENTORY_RETENTION_DAYS: "soon" });
    expect(await run.exited).toEqual({ code: 2, signal: null });
    expect(run.output()).toContain("INVENTORY_RETENTION_DAYS");
    expect(await markedProcessesAfter(run.marker)).toEqual([]);
  });

  it("an error at start-up (a port out of range): exits 1 and leaves no process behind", async () => {
    const run = npmStart({ PORT: "99999", SIMULATOR_USERS: "10", SIMULATOR_WORKSPACES: "0" });
    expect(await run.exited).toEqual({ code: 1, signal: null });
    expect(run.output()).toMatch(/port/i);
    expect(await markedProcessesAfter(run.marker)).toEqual([]);
  });

  it("Ctrl-C during a first sync: pauses it at a checkpoint, starts no other, then stops storage, quietly", async () => {
    const run = npmStart({ SIMULATOR_USERS: "2000", SIMULATOR_WORKSPACES: "0" });
    await run.printed("First sync: syncUsers");
    ctrlC(run);
    expect(await run.exited).toEqual({ code: 0, signal: null });
    const output = run.output();
    const stopping = after(output, "Stopping (SIGINT)");
    // The run is told to stop: it records the snapshot paused (a later run goes on), before storage goes.
    expect(stopping).toMatch(/\[syncUsers\] Paused \S+: InvocationEndingError: the host is stopping/);
    expect(stopping).toMatch(/"status":"paused"/);
    expect(stopping).not.toContain("First sync: syncWorkspaces");
    expect(output).not.toMatch(NOISE);
    expect(await markedProcessesAfter(run.marker)).toEqual([]);
  });

  it("a second Ctrl-C stops at once, abandoning the running sync, quietly", async () => {
    const run = npmStart({ SIMULATOR_USERS: "20", SIMULATOR_WORKSPACES: "2" });
    await run.printed("First sync: syncWorkspaces");
    ctrlC(run);
    await run.printed("Stopping (SIGINT)");
    ctrlC(run);
    expect(await run.exited).toEqual({ code: 0, signal: null });
    const output = run.output();
    expect(output).toContain("Not waiting for syncWorkspaces");
    expect(output).not.toMatch(NOISE);
    expect(await markedProcessesAfter(run.marker)).toEqual([]);
  });

  it("SIGTERM once it serves: exits 0 and leaves no process behind", async () => {
    const run = npmStart({ SIMULATOR_USERS: "10", SIMULATOR_WORKSPACES: "0" });
    await run.printed("Ctrl-C stops everything.");
    // The first URL it prints to try is the dashboard, with the first syncs on it.
    const dashboard = /Try:\n {2}(http:\/\/localhost:\d+\/api\/dashboard)\n/.exec(run.output())?.[1];
    const page = await fetch(dashboard ?? "http://localhost:1/missing");
    expect([page.status, page.headers.get("content-type")]).toEqual([200, "text/html; charset=utf-8"]);
    expect(await page.text()).toMatch(/id="kind-users"[^]*succeeded/);
    run.child.kill("SIGTERM");
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.output()).not.toMatch(NOISE);
    expect(await markedProcessesAfter(run.marker)).toEqual([]);
  });

  it("killing npm start's process (SIGKILL): what it started stops by itself", async () => {
    const run = npmStart({ SIMULATOR_USERS: "10", SIMULATOR_WORKSPACES: "0" });
    await run.printed("Ctrl-C stops everything.");
    expect(markedProcesses(run.marker).some(({ command }) => command.includes("azurite"))).toBe(true);
    const tlsDir = readEnvironment(
      markedProcesses(run.marker).find(({ pid }) => pid !== run.child.pid)!.pid,
    ).SIMULATOR_TLS_DIR!;
    expect(existsSync(tlsDir)).toBe(true);
    run.child.kill("SIGKILL");
    expect(await markedProcessesAfter(run.marker, 20_000)).toEqual([]);
    // The certificate folder the killed process made is removed by the one that outlived it.
    expect(existsSync(tlsDir)).toBe(false);
  });

  it("killing the process that runs the host (SIGKILL): Azurite stops with it, and npm start exits", async () => {
    const run = npmStart({ SIMULATOR_USERS: "10", SIMULATOR_WORKSPACES: "0" });
    await run.printed("Ctrl-C stops everything.");
    // The host runs in the child that trusts the simulated tenant's certificate, the one with SIMULATOR_TLS_DIR.
    const hostProcess = markedProcesses(run.marker).find(
      ({ pid, command }) => command.includes("start.js") && pid !== run.child.pid,
    );
    expect(hostProcess).toBeDefined();
    process.kill(hostProcess!.pid, "SIGKILL");
    expect((await run.exited).code).not.toBe(0);
    expect(await markedProcessesAfter(run.marker, 20_000)).toEqual([]);
  });
});
