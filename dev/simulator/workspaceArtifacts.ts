import type { Dashboard, Dataflow, Dataset, GroupUser, GroupUserAccessRight, Report, Workbook } from "./powerBiTypes";
import { isoSeconds, SeededRandom, seededGuid } from "./seeded";
import { simulatedUser } from "./simulatedUser";

const APP = "https://app.powerbi.com";
// Workspace members point at real simulated users, so a Graph snapshot and a Power BI snapshot can be joined.
const USER_POOL = 3000;
const GROUP_POOL = 50;
const APP_POOL = 10;
const rights: readonly GroupUserAccessRight[] = ["Member", "Contributor", "Viewer"];
const contentProviders = ["PbixInImportMode", "PbixInDirectQueryMode", "PbixInLiveConnectionMode", "RealTime"];
const subjects = ["Sales", "Pipeline", "Budget", "Headcount", "KPIs", "Churn", "Inventory", 'Q3 "final" v2'];

/** A workspace member that is a simulated Graph user (guests keep their `#EXT#` UPN as identifier). */
export function userMember(seed: number, userIndex: number, right: GroupUserAccessRight): GroupUser {
  const user = simulatedUser(seed, userIndex);
  return {
    identifier: user.userPrincipalName,
    displayName: user.displayName,
    emailAddress: user.mail ?? user.userPrincipalName,
    graphId: user.id,
    principalType: "User",
    userType: user.userType,
    groupUserAccessRight: right,
  };
}

/** A security group member: its identifier is its object id and it has no e-mail or user type. */
export function groupMember(seed: number, groupIndex: number, right: GroupUserAccessRight): GroupUser {
  const id = seededGuid(seed, "group", groupIndex);
  return {
    identifier: id,
    displayName: `SG-PowerBI-${groupIndex}`,
    graphId: id,
    principalType: "Group",
    groupUserAccessRight: right,
  };
}

function appMember(seed: number, appIndex: number, right: GroupUserAccessRight): GroupUser {
  return {
    identifier: seededGuid(seed, "app-client-id", appIndex),
    displayName: `Automation app ${appIndex}`,
    graphId: seededGuid(seed, "app-object-id", appIndex),
    principalType: "App",
    groupUserAccessRight: right,
  };
}

/** A few members with distinct identifiers; an orphaned workspace has no Admin among them. */
export function smallMembership(seed: number, random: SeededRandom, count: number, orphaned: boolean): GroupUser[] {
  const start = random.int(0, USER_POOL - 1);
  return Array.from({ length: count }, (_, k) => {
    const right: GroupUserAccessRight = k === 0 && !orphaned ? "Admin" : random.pick(rights);
    const roll = random.next();
    if (roll < 0.1) return groupMember(seed, (start + k) % GROUP_POOL, right);
    if (roll < 0.15) return appMember(seed, (start + k) % APP_POOL, right);
    return userMember(seed, (start + k) % USER_POOL, right);
  });
}

function instantPair(random: SeededRandom): [string, string] {
  const created = random.instant("2018-01-01T00:00:00Z", "2025-01-01T00:00:00Z");
  const modified = created + random.int(0, 400) * 86_400_000;
  return [isoSeconds(created), isoSeconds(modified)];
}

function anyUserMail(seed: number, random: SeededRandom): string {
  const user = simulatedUser(seed, random.int(0, USER_POOL - 1));
  return user.mail ?? user.userPrincipalName;
}

export function datasets(seed: number, workspaceId: string, random: SeededRandom, count: number): Dataset[] {
  return Array.from({ length: count }, (_, k) => {
    const id = seededGuid(seed, "dataset", workspaceId, k);
    const provider = random.pick(contentProviders);
    const dataset: Dataset = {
      id,
      name: `${random.pick(subjects)} model ${k}`,
      configuredBy: anyUserMail(seed, random),
      // Datasets carry milliseconds where reports do not.
      createdDate: new Date(random.instant("2018-01-01T00:00:00Z", "2025-01-01T00:00:00Z")).toISOString(),
      ContentProviderType: provider,
      isRefreshable: provider === "PbixInImportMode",
      isEffectiveIdentityRequired: random.chance(0.1),
      isEffectiveIdentityRolesRequired: random.chance(0.1),
      isOnPremGatewayRequired: random.chance(0.2),
      targetStorageMode: random.chance(0.8) ? "Abf" : "PremiumFiles",
      webUrl: `${APP}/groups/${workspaceId}/datasets/${id}`,
    };
    if (random.chance(0.3)) dataset.description = "Certified model.\nOwner: BI team";
    return dataset;
  });
}

export function reports(
  seed: number,
  workspaceId: string,
  random: SeededRandom,
  count: number,
  sets: Dataset[],
): Report[] {
  return Array.from({ length: count }, (_, k) => {
    const id = seededGuid(seed, "report", workspaceId, k);
    const paginated = random.chance(0.1);
    const [createdDateTime, modifiedDateTime] = instantPair(random);
    const report: Report = {
      id,
      reportType: paginated ? "PaginatedReport" : "PowerBIReport",
      name: `${random.pick(subjects)} report ${k}`,
      webUrl: `${APP}/groups/${workspaceId}/${paginated ? "rdlreports" : "reports"}/${id}`,
      embedUrl: `${APP}/reportEmbed?reportId=${id}&groupId=${workspaceId}&w=2&config=eyJjbHVzdGVyVXJsIjoiaHR0cHM6Ly9XQUJJLVdFU1QtVVMtcmVkaXJlY3QuYW5hbHlzaXMud2luZG93cy5uZXQifQ%3d%3d`,
      createdDateTime,
      modifiedDateTime,
      createdBy: anyUserMail(seed, random),
      modifiedBy: anyUserMail(seed, random),
      workspaceId,
    };
    if (!paginated) {
      // A thin report may sit on a dataset of another workspace.
      report.datasetId =
        sets.length > 0 ? sets[k % sets.length]?.id : seededGuid(seed, "foreign-dataset", workspaceId, k);
    }
    return report;
  });
}

export function dashboards(seed: number, workspaceId: string, random: SeededRandom, count: number): Dashboard[] {
  return Array.from({ length: count }, (_, k) => {
    const id = seededGuid(seed, "dashboard", workspaceId, k);
    return {
      id,
      displayName: `${random.pick(subjects)} dashboard ${k}`,
      isReadOnly: random.chance(0.1),
      webUrl: `${APP}/groups/${workspaceId}/dashboards/${id}`,
      embedUrl: `${APP}/dashboardEmbed?dashboardId=${id}&groupId=${workspaceId}`,
    };
  });
}

export function dataflows(seed: number, workspaceId: string, random: SeededRandom, count: number): Dataflow[] {
  return Array.from({ length: count }, (_, k) => {
    const objectId = seededGuid(seed, "dataflow", workspaceId, k);
    return {
      objectId,
      name: `${random.pick(subjects)} dataflow ${k}`,
      description: random.chance(0.5) ? "" : "Staging tables for the finance models",
      modelUrl: `https://wabiwestusbpcdsa1.blob.core.windows.net/powerbi/${workspaceId}/${objectId}/model.json`,
      configuredBy: anyUserMail(seed, random),
    };
  });
}

export function workbooks(random: SeededRandom, count: number, sets: Dataset[]): Workbook[] {
  return Array.from({ length: count }, (_, k) => ({
    name: `${random.pick(subjects)} workbook ${k}.xlsx`,
    datasetId: sets[k % Math.max(1, sets.length)]?.id ?? "00000000-0000-0000-0000-000000000000",
  }));
}
