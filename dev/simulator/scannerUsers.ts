import type { ArtifactUser } from "./scannerTypes";
import { SeededRandom, seededGuid } from "./seeded";
import { simulatedUser, type SimulatedUser } from "./simulatedUser";

// People and groups of the scanner come from the same pools as admin/groups' members, so they join with Graph users.
const USER_POOL = 3000;
const GROUP_POOL = 50;

export type ArtifactKind = "report" | "dataset" | "dashboard" | "dataflow" | "datamart" | "artifact";

const RIGHT_KEYS = {
  report: "reportUserAccessRight",
  dataset: "datasetUserAccessRight",
  dashboard: "dashboardUserAccessRight",
  dataflow: "dataflowUserAccessRight",
  datamart: "datamartUserAccessRight",
  artifact: "artifactUserAccessRight",
} as const satisfies Record<ArtifactKind, keyof ArtifactUser>;

// The first right of each list is the owner's.
const RIGHTS: Record<ArtifactKind, readonly string[]> = {
  report: ["Owner", "ReadWrite", "Read", "ReadReshare", "ReadCopy"],
  dataset: ["ReadWriteReshareExplore", "Read", "ReadReshare", "ReadExplore", "ReadWrite"],
  dashboard: ["Owner", "ReadWrite", "Read", "ReadReshare"],
  dataflow: ["Owner", "ReadWrite", "Read"],
  datamart: ["ReadWriteReshareExplore", "Read", "ReadExplore"],
  artifact: ["ReadWrite", "Read"],
};

// A scan of 20,000 workspaces names the same 3,000 people hundreds of thousands of times; build each once per seed.
const cache = new Map<number, Map<number, SimulatedUser>>();

/** Pool user `userIndex` (0..2999) of the tenant, built once per seed. */
export function poolUser(seed: number, userIndex: number): SimulatedUser {
  let users = cache.get(seed);
  if (users === undefined) {
    users = new Map();
    cache.set(seed, users);
  }
  const index = ((userIndex % USER_POOL) + USER_POOL) % USER_POOL;
  let user = users.get(index);
  if (user === undefined) {
    user = simulatedUser(seed, index);
    users.set(index, user);
  }
  return user;
}

/** Someone who configures or edits items: a pool user's mail (or UPN) and id. */
export interface Person {
  readonly mail: string;
  readonly id: string;
}

export function somePerson(seed: number, random: SeededRandom): Person {
  const user = poolUser(seed, random.int(0, USER_POOL - 1));
  return { mail: user.mail ?? user.userPrincipalName, id: user.id };
}

/** One to three principals with access to an item of `kind`; the first holds the owner's right. */
export function artifactUsers(seed: number, kind: ArtifactKind, random: SeededRandom): ArtifactUser[] {
  const count = random.int(1, 3);
  const rights = RIGHTS[kind];
  const key = RIGHT_KEYS[kind];
  return Array.from({ length: count }, (_, k) => {
    const right = k === 0 ? (rights[0] ?? "Read") : random.pick(rights.slice(1));
    if (random.chance(0.1)) {
      const group = random.int(0, GROUP_POOL - 1);
      const id = seededGuid(seed, "group", group);
      return { identifier: id, displayName: `SG-PowerBI-${group}`, graphId: id, principalType: "Group", [key]: right };
    }
    const user = poolUser(seed, random.int(0, USER_POOL - 1));
    return {
      identifier: user.userPrincipalName,
      displayName: user.displayName,
      emailAddress: user.mail ?? user.userPrincipalName,
      graphId: user.id,
      principalType: "User",
      userType: user.userType,
      [key]: right,
    };
  });
}
