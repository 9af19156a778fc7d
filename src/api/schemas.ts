import { z } from "zod";
import { WORKSPACE_ARTIFACTS } from "../config/config";
import { SNAPSHOT_KINDS } from "../store/snapshot";

/** Every named response schema; the OpenAPI document's components are generated from it. */
export const responseSchemas = z.registry<{ id: string }>();
/** Each named schema's description, by id; the generated components carry them. */
export const schemaDescriptions = new Map<string, string>();

function named<T extends z.ZodType>(id: string, description: string, schema: T): T {
  responseSchemas.add(schema, { id });
  schemaDescriptions.set(id, description);
  return schema;
}

const text = z.string().nullish();
const flag = z.boolean().nullish();
const item = z.record(z.string(), z.unknown());

export const errorSchema = named(
  "Error",
  "Every failure: a stable code and a message for people; some errors add members (e.g. snapshotId).",
  z.object({ error: z.looseObject({ code: z.string(), message: z.string() }) }),
);

export const snapshotSchema = named(
  "Snapshot",
  "A snapshot's manifest. Only succeeded snapshots serve rows.",
  z.object({
    id: z.string(),
    kind: z.enum(SNAPSHOT_KINDS),
    status: z.enum(["running", "succeeded", "failed"]),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    counts: z.record(z.string(), z.number()),
    error: z.string().optional(),
  }),
);

export const userSchema = named(
  "User",
  "A Microsoft Graph user with the properties of GRAPH_USER_SELECT, named as Graph names them.",
  z.looseObject({
    id: z.string(),
    displayName: text,
    userPrincipalName: text,
    mail: text,
    accountEnabled: flag,
    userType: text,
    department: text,
  }),
);

export const workspaceSchema = named(
  "Workspace",
  "A Power BI AdminGroup without its arrays, named as Power BI names it.",
  z.looseObject({
    id: z.string(),
    name: text,
    description: text,
    type: text,
    state: text,
    isReadOnly: flag,
    isOnDedicatedCapacity: flag,
    capacityId: text,
  }),
);

const groupUserSchema = named(
  "GroupUser",
  "A workspace member and its access right.",
  z.looseObject({ identifier: z.string(), displayName: text, principalType: text, groupUserAccessRight: text }),
);

export const workspaceDetailSchema = named(
  "WorkspaceDetail",
  "A workspace with every artifact array (empty when Power BI sent none).",
  workspaceSchema.extend({
    users: z.array(groupUserSchema),
    reports: z.array(z.looseObject({ id: z.string() })),
    dashboards: z.array(z.looseObject({ id: z.string() })),
    datasets: z.array(z.looseObject({ id: z.string() })),
    dataflows: z.array(z.looseObject({ objectId: z.string() })),
    workbooks: z.array(z.looseObject({ name: text })),
  }),
);

const token = z.string().nullable().describe("pass it back as continuationToken for the next page; null at the end");

export const snapshotsPageSchema = named(
  "SnapshotsPage",
  "Snapshot manifests, newest first.",
  z.object({ items: z.array(snapshotSchema), continuationToken: token }),
);
export const usersPageSchema = named(
  "UsersPage",
  "One page of users.",
  z.object({ snapshotId: z.string(), items: z.array(userSchema), continuationToken: token }),
);
export const workspacesPageSchema = named(
  "WorkspacesPage",
  "One page of workspaces.",
  z.object({ snapshotId: z.string(), items: z.array(workspaceSchema), continuationToken: token }),
);

const changeShape = {
  fields: z.array(z.string()).describe("the properties that differ"),
  old: item.describe("their values in the older snapshot (null when absent)"),
  new: item.describe("their values in the newer snapshot (null when absent)"),
};

export const artifactChangesSchema = named(
  "ArtifactChanges",
  "Changes of one artifact array of a workspace, matched by identifier (users), objectId (dataflows), name (workbooks) or id.",
  z.object({
    added: z.array(item),
    removed: z.array(item),
    changed: z.array(z.object({ key: z.string(), ...changeShape })),
  }),
);

export const diffEntrySchema = named(
  "DiffEntry",
  "One user or workspace that differs between the two snapshots.",
  z.discriminatedUnion("change", [
    z.object({ change: z.literal("added"), id: z.string(), item }),
    z.object({ change: z.literal("removed"), id: z.string(), item }),
    z.object({
      change: z.literal("changed"),
      id: z.string(),
      ...changeShape,
      artifacts: z.partialRecord(z.enum(WORKSPACE_ARTIFACTS), artifactChangesSchema).optional(),
    }),
  ]),
);

export const diffPageSchema = named(
  "DiffPage",
  "One page of differences. A page may hold fewer than top entries (even none) and still continue.",
  z.object({
    kind: z.enum(SNAPSHOT_KINDS),
    from: z.string(),
    to: z.string(),
    items: z.array(diffEntrySchema),
    continuationToken: token,
  }),
);

const counts = z.object({ added: z.number(), removed: z.number(), changed: z.number() });

export const diffSummarySchema = named(
  "DiffSummary",
  "How many items were added, removed, changed and left alone; how often each property changed.",
  z.object({
    kind: z.enum(SNAPSHOT_KINDS),
    from: z.string(),
    to: z.string(),
    ...counts.shape,
    unchanged: z.number(),
    fields: z.record(z.string(), z.number()),
    artifacts: z.partialRecord(z.enum(WORKSPACE_ARTIFACTS), counts).optional(),
  }),
);

export const syncAcceptedSchema = named(
  "SyncAccepted",
  "A queued on-demand sync; the resume timer starts it within a minute. Poll its snapshot.",
  z.object({ snapshotId: z.string(), kind: z.enum(SNAPSHOT_KINDS), status: z.literal("running") }),
);

export const healthSchema = named("Health", "The app is up.", z.object({ status: z.literal("ok") }));

export type DiffEntry = z.output<typeof diffEntrySchema>;
export type DiffSummary = z.output<typeof diffSummarySchema>;
export type ArtifactChanges = z.output<typeof artifactChangesSchema>;
