import { existsSync, readFileSync } from "node:fs";

/**
 * Loads `Values` from local.settings.json into the environment, as `func start` does; settings already in the
 * environment win.
 */
export function loadLocalSettings(path = "local.settings.json", env: NodeJS.ProcessEnv = process.env): string[] {
  if (!existsSync(path)) return [];
  let values: unknown;
  try {
    values = (JSON.parse(readFileSync(path, "utf8")) as { Values?: unknown }).Values;
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const loaded: string[] = [];
  for (const [name, value] of Object.entries(values ?? {})) {
    if (env[name] === undefined && typeof value === "string") {
      env[name] = value;
      loaded.push(name);
    }
  }
  return loaded;
}
