import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createClientCertificatePem,
  createLoopbackTls,
  readSimulatorTls,
  writeSimulatorTls,
} from "../../dev/simulator/tls";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "simulator-tls-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("loopback TLS", () => {
  it("makes an EC P-256 certificate for 127.0.0.1 and localhost that can be its own trust anchor", async () => {
    const tls = await createLoopbackTls();
    const certificate = new X509Certificate(tls.cert);
    expect(certificate.subjectAltName?.split(", ").sort()).toEqual(["DNS:localhost", "IP Address:127.0.0.1"]);
    expect(certificate.ca).toBe(true);
    expect(certificate.checkHost("localhost")).toBe("localhost");
    expect(certificate.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(certificate.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(certificate.checkPrivateKey(createPrivateKey(tls.key))).toBe(true);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
  });

  it("writes cert.pem and an owner-only key.pem, and reads them back", async () => {
    const tls = await createLoopbackTls();
    // An existing key file with a loose mode must be tightened, not kept.
    await writeFile(join(dir, "key.pem"), "old", { mode: 0o644 });
    await writeSimulatorTls(dir, tls);
    expect((await stat(join(dir, "key.pem"))).mode & 0o777).toBe(0o600);
    expect(await readSimulatorTls(dir)).toEqual(tls);
  });

  it("writes into a directory it creates", async () => {
    const nested = join(dir, "a", "b");
    const tls = await createLoopbackTls();
    await writeSimulatorTls(nested, tls);
    expect((await readSimulatorTls(nested)).cert).toBe(tls.cert);
  });

  it("makes an RSA client certificate as one PEM with the key first", async () => {
    const pem = await createClientCertificatePem("inventory test app");
    expect(pem.indexOf("PRIVATE KEY-----")).toBeLessThan(pem.indexOf("BEGIN CERTIFICATE"));
    const certificate = new X509Certificate(
      /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.exec(pem)?.[0] ?? "",
    );
    expect(certificate.subject).toContain("CN=inventory test app");
    expect(certificate.publicKey.asymmetricKeyType).toBe("rsa");
    expect(certificate.checkPrivateKey(createPrivateKey(pem))).toBe(true);
  });
});
