import type { SnapshotRecord } from "../store/manifestStore";

/** Where a resumable run continues: the source's position, pages done, and when the service lets us call again. */
export interface Position {
  next: unknown;
  pages: number;
  resumeAfter?: string;
}

/** The position of a snapshot requested on demand, waiting for a run to pick it up. */
export const QUEUED = { queued: true } as const;

/** True for a manifest whose run has not started yet (see queueSync). */
export function isQueued(record: SnapshotRecord): boolean {
  return (record.position as { queued?: unknown } | null)?.queued === true;
}
