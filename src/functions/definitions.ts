import type { HttpHandler, HttpMethod, InvocationContext, Timer } from "@azure/functions";
import type { Config } from "../config/config";
import { listSnapshots, getSnapshot } from "../api/snapshotsApi";
import { listUsers } from "../api/usersApi";
import { getWorkspace, listWorkspaces } from "../api/workspacesApi";
import { lazyApiContext } from "../api/apiContext";
import { apiHandler, json } from "../api/httpHandler";
import { timerResume, timerSync } from "./timerSync";

export type AuthLevel = "anonymous" | "function" | "admin";

export interface HttpFunction {
  trigger: "http";
  name: string;
  route: string;
  methods: HttpMethod[];
  authLevel: AuthLevel;
  handler: HttpHandler;
}

export interface TimerFunction {
  trigger: "timer";
  name: string;
  schedule: string;
  handler: (timer: Timer, context: InvocationContext) => Promise<void>;
}

export type FunctionDefinition = HttpFunction | TimerFunction;

/**
 * Every function the app registers. Azure registration (src/index.ts) and the local host both read this list, so
 * what runs locally is what deploys.
 */
export function functionDefinitions(config: Config): FunctionDefinition[] {
  const api = lazyApiContext(config);
  const http = (name: string, route: string, authLevel: AuthLevel, handler: HttpHandler): HttpFunction => ({
    trigger: "http",
    name,
    route,
    methods: ["GET"],
    authLevel,
    handler,
  });
  return [
    http("health", "health", "anonymous", () => Promise.resolve(json({ status: "ok" }))),
    http("listSnapshots", "snapshots", "function", apiHandler(listSnapshots, api)),
    http("getSnapshot", "snapshots/{snapshotId}", "function", apiHandler(getSnapshot, api)),
    http("listUsers", "snapshots/{snapshotId}/users", "function", apiHandler(listUsers, api)),
    http("listWorkspaces", "snapshots/{snapshotId}/workspaces", "function", apiHandler(listWorkspaces, api)),
    http("getWorkspace", "snapshots/{snapshotId}/workspaces/{workspaceId}", "function", apiHandler(getWorkspace, api)),
    { trigger: "timer", name: "syncUsers", schedule: config.schedules.users, handler: timerSync("users", config) },
    {
      trigger: "timer",
      name: "syncWorkspaces",
      schedule: config.schedules.workspaces,
      handler: timerSync("workspaces", config),
    },
    { trigger: "timer", name: "resumeSyncs", schedule: config.schedules.resume, handler: timerResume(config) },
  ];
}
