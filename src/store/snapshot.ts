import { randomBytes } from "node:crypto";

export type SnapshotKind = "users" | "workspaces";
export const SNAPSHOT_KINDS: readonly SnapshotKind[] = ["users", "workspaces"];
export type SnapshotStatus = "running" | "succeeded" | "failed";

/** The public shape of a snapshot manifest (PRODUCT.md). */
export interface Snapshot {
  id: string;
  kind: SnapshotKind;
  status: SnapshotStatus;
  startedAt: string;
  finishedAt: string | null;
  counts: Record<string, number>;
  error?: string;
}

/** Ids read as their start time and kind, e.g. `20261123T021500123Z-users-3fa9c2`, and sort by time. */
export const SNAPSHOT_ID_PATTERN = /^(\d{8}T\d{9}Z)-(users|workspaces)-([0-9a-f]{6})$/;

export function newSnapshotId(kind: SnapshotKind, startedAt: Date): string {
  const stamp = startedAt.toISOString().replace(/[-:.]/g, "");
  return `${stamp}-${kind}-${randomBytes(3).toString("hex")}`;
}

/** Parses an id made by newSnapshotId; undefined for anything else. */
export function parseSnapshotId(id: string): { startedMs: number; kind: SnapshotKind } | undefined {
  const match = SNAPSHOT_ID_PATTERN.exec(id);
  if (match === null) return undefined;
  const stamp = match[1]!;
  const iso = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}.${stamp.slice(15, 18)}Z`;
  const startedMs = Date.parse(iso);
  return Number.isNaN(startedMs) ? undefined : { startedMs, kind: match[2] as SnapshotKind };
}
