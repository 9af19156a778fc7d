import type { IncomingMessage } from "node:http";

/** A request the host refuses before any function sees it, as status, error code and message. */
export interface Refusal {
  status: 400 | 414 | 431;
  code: string;
  message: string;
}

/** A request target the host can route: the raw (still percent-encoded) path, the query with its `?`, the origin. */
export interface Target {
  path: string;
  search: string;
  /** `http://host[:port]` from an absolute-form target, which wins over the Host header (RFC 9112 §3.2.2). */
  origin: string | undefined;
}

/** Longer request targets are a 414, as Kestrel (the Functions host's server) answers past its 8 KiB request line. */
export const MAX_TARGET_LENGTH = 16 * 1024;

/** Characters a path may hold unencoded (RFC 3986 `pchar` and `/`), less `;`, which would start matrix parameters. */
const PATH_CHARACTERS = /^[A-Za-z0-9\-._~!$&'()*+,=:@/%]*$/;
const ABSOLUTE_FORM = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;

/**
 * Parses a request line's target strictly: origin-form (`/api/...`) or an http(s) absolute-form. Dot segments, empty
 * segments, matrix parameters, fragments, backslashes and characters that must be percent-encoded are refused rather
 * than normalised, so that what is routed is exactly what was sent.
 */
export function parseRequestTarget(raw: string): Target | Refusal {
  if (raw.length > MAX_TARGET_LENGTH) {
    return refuse(414, "UriTooLong", `the request target is ${raw.length} characters; at most ${MAX_TARGET_LENGTH}`);
  }
  let origin: string | undefined;
  let rest = raw;
  const absolute = ABSOLUTE_FORM.exec(raw);
  if (absolute !== null) {
    const [, scheme, authority, tail] = absolute as unknown as [string, string, string, string];
    if (!/^https?$/i.test(scheme))
      return refuse(400, "InvalidRequestTarget", "an absolute target must be http or https");
    const host = parseHost(authority);
    if (host === undefined) return refuse(400, "InvalidRequestTarget", "the absolute target's host is not valid");
    origin = `${scheme.toLowerCase()}://${host}`;
    rest = tail === "" ? "/" : tail;
  }
  if (!rest.startsWith("/")) {
    return refuse(400, "InvalidRequestTarget", "the request target must be a path such as /api/health");
  }
  if (rest.includes("#")) return refuse(400, "InvalidRequestTarget", "a request target has no fragment (`#`)");
  const queryAt = rest.indexOf("?");
  const path = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const search = queryAt === -1 ? "" : rest.slice(queryAt);
  const problem = pathProblem(path);
  return problem === undefined ? { path, search, origin } : refuse(400, "InvalidPath", problem);
}

/** True for a refusal rather than a routable target. */
export function isRefusal(target: Target | Refusal): target is Refusal {
  return "status" in target;
}

function pathProblem(path: string): string | undefined {
  if (path.includes(";")) return "the path has a `;`: matrix parameters are not supported";
  if (!PATH_CHARACTERS.test(path)) return "the path has a character that must be percent-encoded";
  if (/%(?![0-9A-Fa-f]{2})/.test(path)) return "the path has malformed percent-encoding";
  const segments = path.split("/").slice(1);
  // One trailing slash is allowed (`/api/health/`), as route templates match with or without it.
  if (segments.slice(0, -1).includes("")) return "the path has an empty segment (`//`)";
  const dotted = segments.some((segment) => /^(\.|%2e){1,2}$/i.test(segment));
  if (dotted) return "the path has a `.` or `..` segment";
  return undefined;
}

/** A Host header or authority, `name[:port]` or `[v6][:port]`, as a URL's host; undefined when it is not one. */
export function parseHost(value: string): string | undefined {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}))(?::(\d{1,5}))?$/.exec(value);
  if (match === null) return undefined;
  if (match[2] !== undefined && Number(match[2]) > 65535) return undefined;
  try {
    return new URL(`http://${value}/`).host;
  } catch {
    return undefined;
  }
}

function refuse(status: Refusal["status"], code: string, message: string): Refusal {
  return { status, code, message };
}

/** The target to route and the origin the function sees, or why the host refuses the request. */
export function routableRequest(request: IncomingMessage): (Target & { origin: string }) | Refusal {
  const target = parseRequestTarget(request.url ?? "");
  if (isRefusal(target)) return target;
  const origin = target.origin ?? hostOrigin(request);
  if (typeof origin !== "string") return origin;
  return headersRefusal(request) ?? { ...target, origin };
}

/** Header sections past this are a 431, as Kestrel answers past its 32 KiB. */
const MAX_HEADER_BYTES = 32 * 1024;

/**
 * `http://` and the Host header, or a refusal: HTTP/1.1 requires exactly one valid Host (RFC 9112 §3.2); an HTTP/1.0
 * request without one is taken as addressed to this host.
 */
function hostOrigin(request: IncomingMessage): string | Refusal {
  const hosts = request.headersDistinct.host ?? [];
  if (hosts.length === 0 && request.httpVersion !== "1.0") {
    return { status: 400, code: "InvalidHost", message: "an HTTP/1.1 request needs a Host header" };
  }
  if (hosts.length > 1) return { status: 400, code: "InvalidHost", message: "the request has more than one Host" };
  const local = request.socket.localPort === undefined ? "localhost" : `localhost:${request.socket.localPort}`;
  const host = hosts.length === 0 ? local : parseHost(hosts[0]!);
  if (host === undefined) return { status: 400, code: "InvalidHost", message: "the Host header is not a host[:port]" };
  return `http://${host}`;
}

function headersRefusal(request: IncomingMessage): Refusal | undefined {
  let size = 0;
  for (const field of request.rawHeaders) size += field.length + 2;
  if (size <= MAX_HEADER_BYTES) return undefined;
  return {
    status: 431,
    code: "RequestHeadersTooLarge",
    message: `the headers are larger than ${MAX_HEADER_BYTES / 1024} KiB`,
  };
}
