import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The app's version, from the package.json it ships with: the nearest one above this file, in the source tree
 * (src/common) and once built (dist/src/common) alike.
 */
export function appVersion(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    try {
      const { name, version } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (name === "tenant-inventory" && typeof version === "string") return version;
    } catch {
      // Not here: look one folder up.
    }
    if (dirname(dir) === dir) return "0.0.0";
  }
}
