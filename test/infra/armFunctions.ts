// Values and template functions for evaluating compiled ARM templates without Azure. Deterministic stand-ins replace
// what only Azure knows: guid() and uniqueString() hash their arguments, reference() to a resource yields a RuntimeRef.
import { createHash } from "node:crypto";

export type Value = null | boolean | number | string | RuntimeRef | Value[] | { [key: string]: Value };
export type ValueObject = { [key: string]: Value };

/** A value known only once Azure has created a resource, e.g. `reference(identityId).principalId`. */
export class RuntimeRef {
  constructor(
    readonly resourceId: string,
    readonly path: readonly string[],
  ) {}

  get(name: string): RuntimeRef {
    return new RuntimeRef(this.resourceId, [...this.path, name]);
  }

  toString(): string {
    return runtimeRefText(this.resourceId, ...this.path);
  }
}

/** The text a RuntimeRef shows when it is used as a string, for comparisons in tests. */
export function runtimeRefText(resourceId: string, ...path: string[]): string {
  return `⟦reference(${resourceId})${path.map((p) => `.${p}`).join("")}⟧`;
}

export function isObject(value: Value | undefined): value is ValueObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof RuntimeRef);
}

export function asString(value: Value): string {
  if (typeof value === "string") return value;
  if (value instanceof RuntimeRef) return value.toString();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** Stand-in for ARM guid(): a deterministic GUID-shaped hash of the arguments. */
export function armGuid(...parts: string[]): string {
  const hex = createHash("sha1").update(JSON.stringify(parts)).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Stand-in for ARM uniqueString(): 13 lowercase base32 characters derived from the arguments. */
export function armUniqueString(...parts: string[]): string {
  const bytes = createHash("sha256").update(JSON.stringify(parts)).digest();
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let out = "";
  for (let i = 0; i < 13; i++) out += alphabet.charAt((bytes[i] ?? 0) % 32);
  return out;
}

export interface DeploymentTarget {
  subscriptionId: string;
  resourceGroupName: string;
  location: string;
  tenantId: string;
}

/** What the functions need from the template being evaluated. */
export interface FunctionHost {
  target: DeploymentTarget;
  parameter(name: string): Value;
  variable(name: string): Value;
  reference(target: string, full: boolean): Value;
}

type Fn = (args: Value[], host: FunctionHost) => Value;

function str(args: Value[], i: number): string {
  const v = args[i];
  if (v === undefined) throw new Error(`missing argument ${i}`);
  return asString(v);
}

function num(args: Value[], i: number): number {
  const v = args[i];
  if (typeof v !== "number") throw new Error(`argument ${i} is not a number: ${JSON.stringify(v)}`);
  return v;
}

function isEmpty(value: Value | undefined): boolean {
  if (value == null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.keys(value).length === 0;
}

function merge(a: Value, b: Value): Value {
  if (isObject(a) && isObject(b)) {
    const out: ValueObject = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in out ? merge(out[k] ?? null, v) : v;
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b.filter((x) => !a.some((y) => deepEqual(x, y)))];
  return b;
}

export function deepEqual(a: Value, b: Value): boolean {
  return asString(a) === asString(b) && typeof a === typeof b;
}

/** Builds a resource id the way resourceId() does: "A/B/C" + "x/y" + "z" -> "A/B/x/C/y/z" under the scope. */
export function providerPath(type: string, names: string[]): string {
  const [namespace, ...types] = type.split("/");
  const segments = names.flatMap((n) => n.split("/"));
  if (namespace === undefined || types.length !== segments.length) {
    throw new Error(`type ${type} does not fit names ${segments.join("/")}`);
  }
  return `providers/${namespace}/${types.map((t, i) => `${t}/${segments[i] ?? ""}`).join("/")}`;
}

function resourceId(args: Value[], host: FunctionHost): string {
  const strings = args.map(asString);
  const typeAt = strings.findIndex((s) => s.includes("/"));
  if (typeAt < 0 || typeAt > 2) throw new Error(`resourceId without a type: ${strings.join(", ")}`);
  const rg = typeAt >= 1 ? strings[typeAt - 1] : host.target.resourceGroupName;
  const sub = typeAt === 2 ? strings[0] : host.target.subscriptionId;
  const path = providerPath(strings[typeAt] ?? "", strings.slice(typeAt + 1));
  return `/subscriptions/${sub}/resourceGroups/${rg}/${path}`;
}

const azureCloud: ValueObject = {
  name: "AzureCloud",
  resourceManager: "https://management.azure.com/",
  authentication: { loginEndpoint: "https://login.microsoftonline.com/", tenant: "common" },
  suffixes: {
    storage: "core.windows.net",
    keyvaultDns: ".vault.azure.net",
    sqlServerHostname: ".database.windows.net",
    acrLoginServer: ".azurecr.io",
  },
};

const functions: Record<string, Fn> = {
  parameters: (a, h) => h.parameter(str(a, 0)),
  variables: (a, h) => h.variable(str(a, 0)),
  reference: (a, h) =>
    h.reference(
      str(a, 0),
      a.some((x) => x === "Full" || x === "full"),
    ),
  resourceid: resourceId,
  subscriptionresourceid: (a, h) => {
    const strings = a.map(asString);
    const typeAt = strings[0]?.includes("/") === true ? 0 : 1;
    const sub = typeAt === 1 ? strings[0] : h.target.subscriptionId;
    return `/subscriptions/${sub}/${providerPath(strings[typeAt] ?? "", strings.slice(typeAt + 1))}`;
  },
  tenantresourceid: (a) => `/${providerPath(str(a, 0), a.slice(1).map(asString))}`,
  extensionresourceid: (a) => `${str(a, 0)}/${providerPath(str(a, 1), a.slice(2).map(asString))}`,
  resourcegroup: (_a, h) => ({
    id: `/subscriptions/${h.target.subscriptionId}/resourceGroups/${h.target.resourceGroupName}`,
    name: h.target.resourceGroupName,
    type: "Microsoft.Resources/resourceGroups",
    location: h.target.location,
    properties: { provisioningState: "Succeeded" },
  }),
  subscription: (_a, h) => ({
    id: `/subscriptions/${h.target.subscriptionId}`,
    subscriptionId: h.target.subscriptionId,
    tenantId: h.target.tenantId,
    displayName: "test subscription",
  }),
  tenant: (_a, h) => ({ tenantId: h.target.tenantId, countryCode: "US", displayName: "test tenant" }),
  environment: () => azureCloud,
  guid: (a) => armGuid(...a.map(asString)),
  uniquestring: (a) => armUniqueString(...a.map(asString)),
  tolower: (a) => str(a, 0).toLowerCase(),
  toupper: (a) => str(a, 0).toUpperCase(),
  take: (a) => {
    const v = a[0];
    return Array.isArray(v) ? v.slice(0, num(a, 1)) : str(a, 0).slice(0, num(a, 1));
  },
  skip: (a) => {
    const v = a[0];
    return Array.isArray(v) ? v.slice(num(a, 1)) : str(a, 0).slice(num(a, 1));
  },
  format: (a) => str(a, 0).replace(/\{(\d+)\}/g, (_m, i: string) => str(a, Number(i) + 1)),
  concat: (a) => (a.every(Array.isArray) ? a.flat() : a.map(asString).join("")),
  string: (a) => str(a, 0),
  int: (a) => Number.parseInt(str(a, 0), 10),
  bool: (a) => a[0] === true || str(a, 0).toLowerCase() === "true",
  empty: (a) => isEmpty(a[0]),
  not: (a) => a[0] !== true,
  and: (a) => a.every((x) => x === true),
  or: (a) => a.some((x) => x === true),
  equals: (a) => deepEqual(a[0] ?? null, a[1] ?? null),
  union: (a) => a.reduce((acc, x) => merge(acc, x)),
  createobject: (a) => {
    const out: ValueObject = {};
    for (let i = 0; i < a.length; i += 2) out[str(a, i)] = a[i + 1] ?? null;
    return out;
  },
  createarray: (a) => a,
  json: (a) => JSON.parse(str(a, 0)) as Value,
  null: () => null,
  true: () => true,
  false: () => false,
  length: (a) => {
    const v = a[0];
    return Array.isArray(v) ? v.length : isObject(v) ? Object.keys(v).length : str(a, 0).length;
  },
  contains: (a) => {
    const v = a[0];
    if (Array.isArray(v)) return v.some((x) => deepEqual(x, a[1] ?? null));
    if (isObject(v)) return str(a, 1) in v;
    return str(a, 0).includes(str(a, 1));
  },
  coalesce: (a) => a.find((x) => x !== null) ?? null,
  first: (a) => {
    const v = a[0];
    return Array.isArray(v) ? (v[0] ?? null) : str(a, 0).charAt(0);
  },
  last: (a) => {
    const v = a[0];
    return Array.isArray(v) ? (v[v.length - 1] ?? null) : str(a, 0).slice(-1);
  },
  split: (a) => str(a, 0).split(str(a, 1)),
  replace: (a) => str(a, 0).split(str(a, 1)).join(str(a, 2)),
  startswith: (a) => str(a, 0).toLowerCase().startsWith(str(a, 1).toLowerCase()),
  endswith: (a) => str(a, 0).toLowerCase().endsWith(str(a, 1).toLowerCase()),
};

/** Calls a template function by (case-insensitive) name; unknown functions throw so a test never guesses. */
export function callFunction(name: string, args: Value[], host: FunctionHost): Value {
  const key = name.toLowerCase();
  // list*() reads keys or secrets at deployment time: keep its trace so the checks can find where it ends up.
  if (key.startsWith("list")) return new RuntimeRef(`${name}(${args.map(asString).join(", ")})`, []);
  const fn = functions[key];
  if (fn === undefined) throw new Error(`template function ${name}() is not supported by the test evaluator`);
  return fn(args, host);
}

/** Property access on a value; on a RuntimeRef it extends the path. */
export function getProperty(target: Value, name: string): Value {
  if (target instanceof RuntimeRef) return target.get(name);
  if (isObject(target)) {
    if (!(name in target)) throw new Error(`no property ${name} in ${JSON.stringify(target)}`);
    return target[name] ?? null;
  }
  if (Array.isArray(target) && /^\d+$/.test(name)) return target[Number(name)] ?? null;
  throw new Error(`cannot read ${name} of ${JSON.stringify(target)}`);
}
