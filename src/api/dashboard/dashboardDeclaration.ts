/** One line of a chart: a manifest count, and what the page calls it. */
export interface SeriesDeclaration {
  /** A name in the kind's manifest counts. */
  readonly count: string;
  readonly label: string;
}

/** A chart of some of a kind's counts over its retained succeeded snapshots. */
export interface ChartDeclaration {
  readonly title: string;
  /** One sentence under the title, when the counts need explaining. */
  readonly description?: string;
  readonly series: readonly SeriesDeclaration[];
}

/**
 * What the dashboard charts for a kind. The page names no kind: each declares its charts here, and a count its
 * older manifests lack shows as a gap in its line, not as a zero.
 */
export interface DashboardDeclaration {
  readonly charts: readonly ChartDeclaration[];
}
