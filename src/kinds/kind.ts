import type { z } from "zod";
import type { DashboardDeclaration } from "../api/dashboard/dashboardDeclaration";
import type { DiffDeclaration } from "../api/diff/diffDeclaration";
import type { Operation } from "../api/operation";
import type { SettingsShape } from "../config/config";
import type { KindSync } from "../sync/contract";
import type { UpstreamClient } from "../upstream/upstreamClient";

/** The upstream clients a kind's sync may call: views for one run, whose calls are counted and can be stopped. */
export interface KindClients {
  readonly graph: UpstreamClient;
  readonly powerbi: UpstreamClient;
}

/** A data route a kind serves: GET, under /snapshots/{snapshotId}/, behind a function key. */
export interface KindRoute {
  /** The function's name, which is also the OpenAPI operationId. */
  readonly name: string;
  /** The route template, e.g. `snapshots/{snapshotId}/users`. */
  readonly route: string;
  readonly operation: Operation;
}

/** A kind of snapshot as the app runs it, configured from the settings. */
export interface ConfiguredKind {
  /** Lower-case letters: in snapshot ids, `?kind=`, `POST /sync/{kind}`, `npm run sync -- <name>`. */
  readonly name: string;
  /** What one snapshot holds, in a few words (help texts). */
  readonly description: string;
  /** Its timer's NCRONTAB schedule. */
  readonly schedule: string;
  /** How a run of it syncs, calling upstream through `clients`. */
  sync(clients: KindClients): KindSync;
  /** How two of its snapshots are compared. */
  readonly diff: DiffDeclaration;
  /** Its data routes. */
  readonly routes: readonly KindRoute[];
  /** What the dashboard charts for it; without it, one chart of every count its snapshots have. */
  readonly dashboard?: DashboardDeclaration;
}

/** A kind of snapshot: its name, the settings it reads, and how it is configured from them. */
export interface KindDefinition {
  readonly name: string;
  /** What one snapshot holds, in a few words (help texts). */
  readonly description: string;
  readonly settings: SettingsShape;
  /** `settings` holds every parsed setting of the app, this kind's own among them. */
  configure(settings: Readonly<Record<string, unknown>>): ConfiguredKind;
}

type SettingValues<S extends SettingsShape> = { readonly [K in keyof S]: z.output<S[K]> };

/** Declares a kind whose `configure` sees its own settings, typed as its `settings` shape parses them. */
export function defineKind<S extends SettingsShape>(definition: {
  name: string;
  description: string;
  settings: S;
  configure(settings: SettingValues<S>): Omit<ConfiguredKind, "name" | "description">;
}): KindDefinition {
  const { name, description } = definition;
  return {
    name,
    description,
    settings: definition.settings,
    // The configuration was parsed with a schema that includes this kind's shape, so its values are there, typed.
    configure: (settings) => ({ name, description, ...definition.configure(settings as SettingValues<S>) }),
  };
}

/** The timer function that syncs a kind on its schedule: `syncUsers`, `syncWorkspaces`, ... */
export function timerName(kind: string): string {
  return `sync${kind.charAt(0).toUpperCase()}${kind.slice(1)}`;
}
