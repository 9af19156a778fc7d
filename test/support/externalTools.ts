import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** The path of an executable on PATH, or undefined. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // Not in this one.
    }
  }
  return undefined;
}

/**
 * `describe` for tests that need programs outside npm (curl, jq, dotnet). When some are missing the suite is
 * skipped, with the reason in its title; under CI=true it is not skipped but fails, since CI installs them.
 */
export function describeWithTools(title: string, missing: readonly string[], body: () => void): void {
  if (missing.length === 0) {
    describe(title, body);
  } else if (process.env.CI === "true") {
    describe(title, () => {
      it(`has ${missing.join(" and ")} (CI installs them: .ci/run)`, () => expect(missing).toEqual([]));
    });
  } else {
    describe.skip(`${title} (skipped: ${missing.join(" and ")} not installed)`, body);
  }
}
