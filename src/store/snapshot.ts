import { randomBytes } from "node:crypto";

/**
 * Where a snapshot's run stands. `queued`: requested, no run has picked it up; `running`: a run owns it (or died
 * owning it); `paused`: a run saved its place and stopped (a long throttle, its invocation's time limit), and a later
 * run continues it; `succeeded`: complete and served; `failed`: never served (also a succeeded one retired by
 * retention).
 */
export const SNAPSHOT_STATUSES = ["queued", "running", "paused", "succeeded", "failed"] as const;
export type SnapshotStatus = (typeof SNAPSHOT_STATUSES)[number];

/** The moves a snapshot's status may make; anything else is a bug the store refuses. */
const TRANSITIONS: Readonly<Record<SnapshotStatus, readonly SnapshotStatus[]>> = {
  queued: ["running", "failed"],
  running: ["running", "paused", "succeeded", "failed"],
  paused: ["paused", "running", "failed"],
  succeeded: ["failed"],
  failed: [],
};

/** Statuses of a snapshot that a run has still to finish. */
export const UNFINISHED: readonly SnapshotStatus[] = ["queued", "running", "paused"];

/** True when a manifest in status `from` may be written with status `to` (a checkpoint keeps `running`). */
export function canMove(from: SnapshotStatus, to: SnapshotStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The public shape of a snapshot manifest (PRODUCT.md). */
export interface Snapshot {
  id: string;
  kind: string;
  status: SnapshotStatus;
  startedAt: string;
  finishedAt: string | null;
  counts: Record<string, number>;
  /** When a paused run may go on. */
  resumeAfter?: string;
  error?: string;
}

/** Kind names: lower-case letters and digits, as they appear in ids, routes and table keys. */
export const KIND_NAME = /^[a-z][a-z0-9]{0,19}$/;

/** Ids read as their start time and kind, e.g. `20261123T021500123Z-users-3fa9c2`, and sort by time. */
export const SNAPSHOT_ID_PATTERN = /^(\d{8}T\d{9}Z)-([a-z][a-z0-9]{0,19})-([0-9a-f]{6})$/;

export function newSnapshotId(kind: string, startedAt: Date): string {
  if (!KIND_NAME.test(kind)) throw new Error(`"${kind}" is not a kind name`);
  const stamp = startedAt.toISOString().replace(/[-:.]/g, "");
  return `${stamp}-${kind}-${randomBytes(3).toString("hex")}`;
}

/** Parses an id made by newSnapshotId; undefined for anything else. Whether the kind exists is the caller's question. */
export function parseSnapshotId(id: string): { startedMs: number; kind: string } | undefined {
  const match = SNAPSHOT_ID_PATTERN.exec(id);
  if (match === null) return undefined;
  const stamp = match[1]!;
  const iso = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}.${stamp.slice(15, 18)}Z`;
  const startedMs = Date.parse(iso);
  return Number.isNaN(startedMs) ? undefined : { startedMs, kind: match[2]! };
}
