import { createHmac } from "node:crypto";
import { graphAuthFailure, graphError } from "./graphAuth";
import { errorReply, type Reply, type SimRequest } from "./httpReply";
import type { SimulatedUser } from "./simulatedUser";
import { requestOrigin, type TenantContext } from "./tenantContext";

const DEFAULT_PAGE = 100;
const MAX_PAGE = 999;
// What Graph returns for a user when no $select is given.
const DEFAULT_SELECT = [
  "businessPhones",
  "displayName",
  "givenName",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
  "userPrincipalName",
  "id",
];
const GENERATED: readonly (keyof SimulatedUser)[] = [
  ...(DEFAULT_SELECT as (keyof SimulatedUser)[]),
  "accountEnabled",
  "userType",
  "createdDateTime",
  "department",
  "companyName",
  "usageLocation",
  "assignedLicenses",
  "onPremisesSyncEnabled",
  "externalUserState",
];
// Real list-safe properties the simulator has no data for: selecting them yields null, as for an unset property.
const NULL_PROPERTIES = ["city", "country", "state", "streetAddress", "postalCode", "employeeId", "employeeType"]
  .concat([
    "faxNumber",
    "mailNickname",
    "onPremisesImmutableId",
    "onPremisesSamAccountName",
    "onPremisesLastSyncDateTime",
  ])
  .concat(["onPremisesDomainName", "onPremisesUserPrincipalName", "preferredDataLocation", "ageGroup", "creationType"])
  .concat(["employeeHireDate", "employeeLeaveDateTime", "lastPasswordChangeDateTime", "passwordPolicies"]);
// Graph refuses these in a list: they can only be read for one user at a time.
const SINGLE_USER_ONLY = [
  "aboutMe",
  "birthday",
  "hireDate",
  "interests",
  "mySite",
  "pastProjects",
  "preferredName",
].concat(["responsibilities", "schools", "skills", "mailboxSettings"]);
const canonical = new Map(
  [...GENERATED, ...NULL_PROPERTIES, ...SINGLE_USER_ONLY, "signInActivity"].map((p) => [p.toLowerCase(), p]),
);
const ALLOWED_OPTIONS = ["$select", "$top", "$skiptoken"];

function skipToken(context: TenantContext, offset: number): string {
  const mac = createHmac("sha256", context.pagingKey).update(String(offset)).digest("base64url").slice(0, 16);
  return Buffer.from(`${offset}.${mac}`).toString("base64url");
}

function offsetOf(context: TenantContext, token: string): number | undefined {
  const [offset = "", mac] = Buffer.from(token, "base64url").toString("utf8").split(".");
  if (!/^\d+$/.test(offset) || mac === undefined) return undefined;
  return skipToken(context, Number(offset)) === token ? Number(offset) : undefined;
}

/** Graph `GET /v1.0/users` with `$select`, `$top` (1..999) and `@odata.nextLink` paging; data made page by page. */
export function graphUsersRoute(context: TenantContext, request: SimRequest): Reply {
  const origin = requestOrigin(context, request);
  if (request.method !== "GET")
    return errorReply(405, "Request_BadRequest", `${request.method} is not supported here.`);
  const denied = graphAuthFailure(context, request);
  if (denied !== undefined) return denied;
  const query = request.url.searchParams;
  const unsupported = [...query.keys()].find((key) => !ALLOWED_OPTIONS.includes(key));
  if (unsupported !== undefined) {
    return graphError(
      400,
      "Request_UnsupportedQuery",
      `The simulated tenant does not support '${unsupported}' on users.`,
    );
  }
  const topText = query.get("$top");
  const top = topText === null ? DEFAULT_PAGE : /^\d{1,4}$/.test(topText) ? Number(topText) : NaN;
  if (!(top >= 1 && top <= MAX_PAGE)) {
    return graphError(
      400,
      "Request_BadRequest",
      `Invalid page size specified: '${topText}'. Must be between 1 and ${MAX_PAGE} inclusive.`,
    );
  }
  const selectText = query.get("$select");
  const select = selectText === null ? DEFAULT_SELECT : selectText.split(",").map((part) => part.trim());
  const properties: string[] = [];
  for (const asked of select) {
    const property = canonical.get(asked.toLowerCase());
    if (property === undefined) {
      return graphError(
        400,
        "Request_BadRequest",
        `Could not find a property named '${asked}' on type 'Microsoft.DirectoryServices.User'.`,
      );
    }
    if (SINGLE_USER_ONLY.includes(property)) {
      return graphError(
        501,
        "NotImplemented",
        `The property '${property}' does not support being requested in a list of users.`,
      );
    }
    if (property === "signInActivity") {
      return graphError(
        403,
        "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
        "Neither tenant is B2C or tenant doesn't have premium license",
      );
    }
    if (!properties.includes(property)) properties.push(property);
  }
  if (!properties.includes("id")) properties.unshift("id");
  const tokenText = query.get("$skiptoken");
  const offset = tokenText === null ? 0 : offsetOf(context, tokenText);
  if (offset === undefined) return graphError(400, "Request_BadRequest", "Invalid $skiptoken.");
  const users = context.users + context.edits.addedUsers;
  const end = Math.min(offset + top, users);
  const head: Record<string, unknown> = {
    "@odata.context": `${origin}/v1.0/$metadata#users${selectText === null ? "" : `(${properties.join(",")})`}`,
  };
  if (end < users) {
    const select = selectText === null ? "" : `$select=${encodeURIComponent(selectText)}&`;
    head["@odata.nextLink"] = `${origin}/v1.0/users?${select}$top=${top}&$skiptoken=${skipToken(context, end)}`;
  }
  return { status: 200, page: { head, items: projectedUsers(context, offset, end, properties) } };
}

/** Removed users leave a page short, as Graph's pages may be. */
function* projectedUsers(
  context: TenantContext,
  from: number,
  to: number,
  properties: readonly string[],
): Generator<unknown> {
  for (let index = from; index < to; index += 1) {
    const user = context.edits.user(context.seed, index) as unknown as Record<string, unknown> | undefined;
    if (user === undefined) continue;
    yield Object.fromEntries(properties.map((property) => [property, user[property] ?? null]));
  }
}
