/**
 * An error as one line fit for logs, manifests and responses. Our own errors never carry secrets; this also masks
 * anything shaped like a bearer token or JWT, in case a library message echoes one.
 */
export function safeMessage(error: unknown): string {
  const text =
    error instanceof Error ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}` : String(error);
  return text
    .split("\n")[0]!
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, "[redacted token]")
    .replace(/(Bearer|access_token|client_secret|client_assertion)([=: "]+)[^\s&"]+/gi, "$1$2[redacted]")
    .slice(0, 1000);
}
