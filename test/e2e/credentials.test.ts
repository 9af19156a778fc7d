import { CLIENT_CERTIFICATE_SECRET_NAME, CLIENT_SECRET_NAME } from "../../dev/simulator/simulatedTenant";
import { createClientCertificatePem } from "../../dev/simulator/tls";
import { syncKind } from "../../src/app/inventory";
import { startTestEnvironment } from "../support/testEnvironment";

describe("the app credential from Key Vault", () => {
  it("uses a PEM certificate instead of the secret when INVENTORY_CLIENT_CERTIFICATE_NAME is set", async () => {
    const env = await startTestEnvironment(
      { users: 50, clientCertificatePem: await createClientCertificatePem() },
      { INVENTORY_CLIENT_CERTIFICATE_NAME: CLIENT_CERTIFICATE_SECRET_NAME },
    );
    try {
      // Without the secret in the vault, only the certificate can succeed.
      env.tenant.setSecret(CLIENT_SECRET_NAME, undefined);
      const result = await syncKind("users", env.config);
      expect(result).toMatchObject({ status: "succeeded", counts: { users: 50 } });
      expect(env.tenant.calls.count("token", 200)).toBeGreaterThanOrEqual(1);
    } finally {
      await env.close();
    }
  });

  it("fails the run with a message naming the vault secret and setting when the secret is missing", async () => {
    const env = await startTestEnvironment({ users: 10 }, { INVENTORY_CLIENT_SECRET_NAME: "no-such-secret" });
    try {
      const result = await syncKind("users", env.config);
      expect(result.status).toBe("failed");
      expect(result.error).toContain('Cannot read secret "no-such-secret" (INVENTORY_CLIENT_SECRET_NAME)');
      expect(result.error).toContain("404");
      expect(result.error).not.toContain(env.tenant.clientSecret);
      expect(env.tenant.calls.count("graph.users")).toBe(0);
    } finally {
      await env.close();
    }
  });

  it("fails the run without echoing the secret when the tenant rejects it", async () => {
    const env = await startTestEnvironment({ users: 10 });
    try {
      env.tenant.setSecret(CLIENT_SECRET_NAME, "wrong-secret-value-1234");
      const result = await syncKind("users", env.config);
      expect(result.status).toBe("failed");
      expect(result.error).toMatch(/AADSTS7000215|invalid_client/);
      expect(result.error).not.toContain("wrong-secret-value-1234");
    } finally {
      await env.close();
    }
  });
});
