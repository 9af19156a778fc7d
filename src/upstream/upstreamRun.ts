import type { PipelineRequest } from "@azure/core-rest-pipeline";

/** Calls one run made through a client, first tries and retries. */
export interface UpstreamStats {
  requests: number;
  retries: number;
}

/** What a run brings to the calls it makes: where they are counted, and the signal that stops them. */
export interface UpstreamRun {
  readonly stats: UpstreamStats;
  /** Aborted when the run must stop at once (it lost its lease). */
  readonly signal?: AbortSignal;
}

const runs = new WeakMap<PipelineRequest, UpstreamRun>();

/**
 * The pipeline is built once per process and shared by every run; a request carries its run here, so the counting
 * and retry policies charge the right one.
 */
export function bindRun(request: PipelineRequest, run: UpstreamRun): void {
  runs.set(request, run);
}

export function runOf(request: PipelineRequest): UpstreamRun | undefined {
  return runs.get(request);
}
