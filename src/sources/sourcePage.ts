/** An upstream item that failed validation: counted and reported, never stored. */
export interface InvalidItem {
  /** The item's id when it had a usable one. */
  id: string | undefined;
  reason: string;
}

/** One page from an upstream list, as the sync consumes it. */
export interface SourcePage<T> {
  items: T[];
  invalid: InvalidItem[];
  /** Where to continue after this page; undefined on the last page. */
  next: unknown;
  /** The service's count of all items, when it sends one. */
  total?: number;
}

/** Formats a zod error's first issue as "path: message" without echoing values. */
export function describeIssue(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  const issue = issues[0];
  if (issue === undefined) return "invalid";
  const path = issue.path.map(String).join(".");
  return path === "" ? issue.message : `${path}: ${issue.message}`;
}
