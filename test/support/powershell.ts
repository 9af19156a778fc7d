import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
/** Where `dotnet tool install` puts PowerShell: gitignored, installed once and reused. */
const TOOL_DIR = join(ROOT, ".tools", "pwsh");
/** NuGet serves PowerShell 7 as the .NET tool `PowerShell`; later versions may need a newer .NET. */
export const POWERSHELL_VERSION = "7.6.9";

const DOTNET_QUIET = { DOTNET_CLI_TELEMETRY_OPTOUT: "1", DOTNET_NOLOGO: "1", DOTNET_SKIP_FIRST_TIME_EXPERIENCE: "1" };

/** Runs a program; its stdout, or an error with everything it printed when it fails. */
export async function runProgram(
  program: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(program, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...(options.env ?? process.env), ...DOTNET_QUIET },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  return { code, stdout, stderr };
}

/** pwsh of POWERSHELL_VERSION: installed with dotnet into .tools/pwsh on first use (or updated), then reused. */
export async function installedPowerShell(): Promise<string> {
  const pwsh = join(TOOL_DIR, "pwsh");
  const version = async () =>
    (
      await runProgram(pwsh, ["-NoProfile", "-NonInteractive", "-Command", "$PSVersionTable.PSVersion.ToString()"])
    ).stdout.trim();
  if (!existsSync(pwsh) || (await version()) !== POWERSHELL_VERSION) {
    const verb = existsSync(pwsh) ? "update" : "install";
    const installed = await runProgram("dotnet", [
      "tool",
      verb,
      "PowerShell",
      "--version",
      POWERSHELL_VERSION,
      "--tool-path",
      TOOL_DIR,
    ]);
    if (installed.code !== 0) {
      throw new Error(
        `dotnet tool ${verb} PowerShell ${POWERSHELL_VERSION} failed: ${installed.stdout}${installed.stderr}`,
      );
    }
  }
  const found = await version();
  if (found !== POWERSHELL_VERSION) throw new Error(`${pwsh} is PowerShell ${found}, not ${POWERSHELL_VERSION}`);
  return pwsh;
}
