import { z } from "zod";
import { diffSummarySchema, named, snapshotSchema } from "../schemas";

const seriesSchema = z.object({
  count: z.string().describe("the manifest count plotted"),
  label: z.string(),
});

const chartSchema = z.object({
  title: z.string(),
  description: z.string().optional(),
  series: z.array(seriesSchema),
});

const pointSchema = z.object({
  id: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  counts: z.record(z.string(), z.number()).describe("a count an older manifest lacks is absent, not zero"),
});

const kindSchema = z.object({
  kind: z.string(),
  description: z.string(),
  schedule: z.string().describe("the kind's timer, in NCRONTAB"),
  charts: z.array(chartSchema).describe("what the page charts, as the kind declares it"),
  snapshots: z.array(pointSchema).describe("every retained succeeded snapshot, oldest first"),
  latestRun: snapshotSchema.nullable().describe("the newest snapshot of the kind whatever its status; null before any"),
  lastChange: diffSummarySchema
    .nullable()
    .describe("the latest succeeded snapshot against the one before; null with fewer than two"),
  exports: z
    .array(z.object({ label: z.string(), path: z.string().describe("under the API's route prefix") }))
    .describe("CSV exports of the latest snapshot"),
});

export const dashboardSchema = named(
  "Dashboard",
  "Everything the dashboard page shows: for each kind its counts over the retained snapshots, its latest run, and what changed last.",
  z.object({
    tenantId: z.string(),
    generatedAt: z.string(),
    kinds: z.array(kindSchema),
  }),
);

export type Dashboard = z.output<typeof dashboardSchema>;
export type KindDashboard = Dashboard["kinds"][number];
export type ChartData = KindDashboard["charts"][number];
export type SnapshotPoint = KindDashboard["snapshots"][number];
