/**
 * The name of a workspace after `version` touches (`touchWorkspaces`), the same in admin/groups and the scanner, so a
 * test can see that a touched workspace changed in both.
 */
export function editedWorkspaceName(name: string, version: number): string {
  return version === 0 ? name : `${name} (edited ${version})`;
}
