/** Route keys of the simulated tenant: what calls are counted under and faults are injected into. */
export const SIMULATOR_ROUTES = [
  "openid",
  "token",
  "msi",
  "keyvault",
  "graph.users",
  "graph.subscribedSkus",
  "powerbi.groups",
  "powerbi.modified",
  "powerbi.getInfo",
  "powerbi.scanStatus",
  "powerbi.scanResult",
  "unknown",
] as const;
export type SimulatorRoute = (typeof SIMULATOR_ROUTES)[number];

const patterns: readonly (readonly [RegExp, SimulatorRoute])[] = [
  [/^\/[^/]+\/v2\.0\/\.well-known\/openid-configuration$/, "openid"],
  [/^\/[^/]+\/discovery\/v2\.0\/keys$/, "openid"],
  [/^\/[^/]+\/oauth2\/v2\.0\/token$/, "token"],
  [/^\/secrets(\/.*)?$/, "keyvault"],
  [/^\/v1\.0\/users\/?$/, "graph.users"],
  [/^\/v1\.0\/subscribedSkus\/?$/, "graph.subscribedSkus"],
  [/^\/v1\.0\/myorg\/admin\/groups\/?$/, "powerbi.groups"],
  [/^\/v1\.0\/myorg\/admin\/workspaces\/modified\/?$/, "powerbi.modified"],
  [/^\/v1\.0\/myorg\/admin\/workspaces\/getInfo\/?$/, "powerbi.getInfo"],
  [/^\/v1\.0\/myorg\/admin\/workspaces\/scanStatus\/[^/]+$/, "powerbi.scanStatus"],
  [/^\/v1\.0\/myorg\/admin\/workspaces\/scanResult\/[^/]+$/, "powerbi.scanResult"],
];

/** The route a path on the HTTPS origin belongs to; the managed-identity listener is always "msi". */
export function routeOf(pathname: string): SimulatorRoute {
  return patterns.find(([pattern]) => pattern.test(pathname))?.[1] ?? "unknown";
}
