import { constants, createHash, verify, X509Certificate } from "node:crypto";

/** The client certificate an app registration holds, with its thumbprints as a JWT header carries them. */
export interface RegisteredCertificate {
  readonly certificate: X509Certificate;
  readonly x5t: string;
  readonly x5tS256: string;
}

/** Parses the first certificate of a PEM bundle (which may also hold the private key). */
export function registeredCertificate(pem: string): RegisteredCertificate {
  const block = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  if (block === undefined) throw new Error("clientCertificatePem holds no certificate");
  const certificate = new X509Certificate(block);
  return {
    certificate,
    x5t: createHash("sha1").update(certificate.raw).digest("base64url"),
    x5tS256: createHash("sha256").update(certificate.raw).digest("base64url"),
  };
}

interface AssertionHeader {
  alg?: unknown;
  x5t?: unknown;
  "x5t#S256"?: unknown;
}

interface AssertionClaims {
  aud?: unknown;
  iss?: unknown;
  sub?: unknown;
  exp?: unknown;
  nbf?: unknown;
}

const CLOCK_SKEW_SECONDS = 300;

/**
 * Checks a client assertion JWT the way Entra does for certificate credentials: RS256 or PS256 signed by the
 * registered certificate (named by x5t or x5t#S256), aud = token endpoint, iss = sub = client id, within its lifetime.
 * Returns undefined when valid, otherwise the AADSTS description.
 */
export function checkClientAssertion(
  assertion: string,
  registered: RegisteredCertificate | undefined,
  expected: { clientId: string; tokenEndpoint: string },
): string | undefined {
  const [headerPart, payloadPart, signaturePart, ...rest] = assertion.split(".");
  if (headerPart === undefined || payloadPart === undefined || signaturePart === undefined || rest.length > 0) {
    return "AADSTS50027: JWT token is invalid or malformed.";
  }
  let header: AssertionHeader;
  let claims: AssertionClaims;
  try {
    header = JSON.parse(Buffer.from(headerPart, "base64url").toString("utf8")) as AssertionHeader;
    claims = JSON.parse(Buffer.from(payloadPart, "base64url").toString("utf8")) as AssertionClaims;
  } catch {
    return "AADSTS50027: JWT token is invalid or malformed.";
  }
  const thumbprint = header.x5t ?? header["x5t#S256"];
  if (registered === undefined || (thumbprint !== registered.x5t && thumbprint !== registered.x5tS256)) {
    return `AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${String(thumbprint)}']`;
  }
  const signed = Buffer.from(`${headerPart}.${payloadPart}`);
  const signature = Buffer.from(signaturePart, "base64url");
  const key = registered.certificate.publicKey;
  const valid =
    header.alg === "RS256"
      ? verify("sha256", signed, key, signature)
      : header.alg === "PS256" &&
        verify(
          "sha256",
          signed,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
          signature,
        );
  if (!valid) return "AADSTS700027: Client assertion failed signature validation.";
  if (claims.aud !== expected.tokenEndpoint) {
    return `AADSTS700212: No matching federated identity record found for presented assertion audience '${String(claims.aud)}'.`;
  }
  if (claims.iss !== expected.clientId || claims.sub !== expected.clientId) {
    return "AADSTS700021: Client assertion application identifier doesn't match 'client_id' parameter.";
  }
  const now = Date.now() / 1000;
  const exp = typeof claims.exp === "number" ? claims.exp : 0;
  const nbf = typeof claims.nbf === "number" ? claims.nbf : 0;
  if (exp < now - CLOCK_SKEW_SECONDS || nbf > now + CLOCK_SKEW_SECONDS) {
    return "AADSTS700024: Client assertion is not within its valid time range.";
  }
  return undefined;
}
