import { z } from "zod";
import { SNAPSHOT_STATUSES } from "../store/snapshot";

/** Every named response schema; the OpenAPI document's components are generated from it. */
export const responseSchemas = z.registry<{ id: string }>();
/** Each named schema's description, by id; the generated components carry them. */
export const schemaDescriptions = new Map<string, string>();

/** Registers a response schema under a component name; kinds name theirs with it too. Ids must be unique. */
export function named<T extends z.ZodType>(id: string, description: string, schema: T): T {
  if (schemaDescriptions.has(id)) throw new Error(`a response schema is already named ${id}`);
  responseSchemas.add(schema, { id });
  schemaDescriptions.set(id, description);
  return schema;
}

/** Optional upstream properties: the services send null or leave them out. */
export const text = z.string().nullish();
export const flag = z.boolean().nullish();
const item = z.record(z.string(), z.unknown());

const kind = z.string().describe("the snapshot kind, as `GET /snapshots?kind=` names it");

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
    kind,
    status: z.enum(SNAPSHOT_STATUSES),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    counts: z.record(z.string(), z.number()),
    resumeAfter: z.string().optional().describe("paused snapshots: when the resume timer goes on with it"),
    error: z.string().optional(),
  }),
);

const token = z.string().nullable().describe("pass it back as continuationToken for the next page; null at the end");

/** The page of a list route: `{snapshotId, items, continuationToken}`, registered under `id`. */
export function itemsPageSchema(id: string, description: string, itemSchema: z.ZodType) {
  return named(
    id,
    description,
    z.object({ snapshotId: z.string(), items: z.array(itemSchema), continuationToken: token }),
  );
}

export const snapshotsPageSchema = named(
  "SnapshotsPage",
  "Snapshot manifests, newest first.",
  z.object({ items: z.array(snapshotSchema), continuationToken: token }),
);
const changeShape = {
  fields: z.array(z.string()).describe("the properties that differ"),
  old: item.describe("their values in the older snapshot (null when absent)"),
  new: item.describe("their values in the newer snapshot (null when absent)"),
};

export const artifactChangesSchema = named(
  "ArtifactChanges",
  "Changes of one array of an item (a workspace's users or reports, ...), its elements matched by their identity (e.g. identifier for users, objectId for dataflows, id for reports).",
  z.object({
    added: z.array(item),
    removed: z.array(item),
    changed: z.array(z.object({ key: z.string(), ...changeShape })),
  }),
);

export const diffEntrySchema = named(
  "DiffEntry",
  "One item that differs between the two snapshots.",
  z.discriminatedUnion("change", [
    z.object({ change: z.literal("added"), id: z.string(), item }),
    z.object({ change: z.literal("removed"), id: z.string(), item }),
    z.object({
      change: z.literal("changed"),
      id: z.string(),
      ...changeShape,
      artifacts: z.record(z.string(), artifactChangesSchema).optional(),
    }),
  ]),
);

export const diffPageSchema = named(
  "DiffPage",
  "One page of differences. A page may hold fewer than top entries (even none) and still continue.",
  z.object({
    kind,
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
    kind,
    from: z.string(),
    to: z.string(),
    ...counts.shape,
    unchanged: z.number(),
    fields: z.record(z.string(), z.number()),
    artifacts: z.record(z.string(), counts).optional(),
  }),
);

export const syncAcceptedSchema = named(
  "SyncAccepted",
  "A queued on-demand sync; the resume timer starts it within a minute. Poll its snapshot.",
  z.object({ snapshotId: z.string(), kind, status: z.literal("queued") }),
);

export const healthSchema = named("Health", "The app is up.", z.object({ status: z.literal("ok") }));

export type DiffEntry = z.output<typeof diffEntrySchema>;
export type DiffSummary = z.output<typeof diffSummarySchema>;
export type ArtifactChanges = z.output<typeof artifactChangesSchema>;
