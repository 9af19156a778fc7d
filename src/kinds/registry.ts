import { loadConfig, type Config } from "../config/config";
import { catalogKind } from "./catalog/catalogKind";
import type { KindDefinition } from "./kind";
import { usersKind } from "./users/usersKind";
import { workspacesKind } from "./workspaces/workspacesKind";

/**
 * Every kind of snapshot the app takes. Everything else derives from this list: the settings, the timers, the
 * routes and their OpenAPI document, `npm run sync` arguments, and what the sync and diff engines run.
 */
export const KINDS: readonly KindDefinition[] = [usersKind, workspacesKind, catalogKind];

/** The app's configuration: the base settings and every kind's own, parsed once from `env`. */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env, kinds: readonly KindDefinition[] = KINDS): Config {
  return loadConfig(
    env,
    kinds.map((kind) => kind.settings),
  );
}
