import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generate } from "selfsigned";

/** A PEM certificate and its private key. */
export interface SimulatorTls {
  readonly cert: string;
  readonly key: string;
}

const CERT_FILE = "cert.pem";
const KEY_FILE = "key.pem";

/**
 * A fresh EC P-256 server certificate for 127.0.0.1 and localhost. It is a CA as well, so the same file can be the
 * trust anchor in NODE_EXTRA_CA_CERTS; no private CA key outlives the call.
 */
export async function createLoopbackTls(): Promise<SimulatorTls> {
  const now = Date.now();
  const pems = await generate([{ name: "commonName", value: "tenant-inventory simulated tenant" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    // A little slack backwards survives small clock differences between processes and machines.
    notBeforeDate: new Date(now - 60 * 60 * 1000),
    notAfterDate: new Date(now + 30 * 24 * 60 * 60 * 1000),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 2, value: "localhost" },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/**
 * A self-signed RSA client certificate for an app registration, as one PEM holding the private key and then the
 * certificate (the layout Key Vault uses for PEM secrets). MSAL signs client assertions with RS256/PS256, so it is RSA.
 */
export async function createClientCertificatePem(commonName = "tenant-inventory app"): Promise<string> {
  const pems = await generate([{ name: "commonName", value: commonName }], {
    keyType: "rsa",
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate: new Date(Date.now() - 60 * 60 * 1000),
  });
  return `${pems.private.trim()}\n${pems.cert.trim()}\n`;
}

/** Reads `cert.pem` and `key.pem` from a directory written by {@link writeSimulatorTls}. */
export async function readSimulatorTls(dir: string): Promise<SimulatorTls> {
  const [cert, key] = await Promise.all([
    readFile(join(dir, CERT_FILE), "utf8"),
    readFile(join(dir, KEY_FILE), "utf8"),
  ]);
  return { cert, key };
}

/** Writes `cert.pem` and `key.pem` (the key readable by the owner only) into `dir`, creating it if needed. */
export async function writeSimulatorTls(dir: string, tls: SimulatorTls): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, CERT_FILE), tls.cert, { mode: 0o644 });
  const keyPath = join(dir, KEY_FILE);
  await writeFile(keyPath, tls.key, { mode: 0o600 });
  // The mode passed to writeFile only applies when the file is created; an existing key file keeps its old mode.
  await chmod(keyPath, 0o600);
}
