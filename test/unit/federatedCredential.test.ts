import { federatedIssuer, tokenExchangeAudience } from "../../src/auth/federatedCredential";
import { loadAppConfig } from "../../src/kinds/registry";

describe("tokenExchangeAudience", () => {
  it.each([
    ["https://login.microsoftonline.com", "api://AzureADTokenExchange"],
    ["https://login.microsoftonline.us", "api://AzureADTokenExchangeUSGov"],
    ["https://LOGIN.MICROSOFTONLINE.US/", "api://AzureADTokenExchangeUSGov"],
    ["https://login.chinacloudapi.cn", "api://AzureADTokenExchangeChina"],
    ["https://login.partner.microsoftonline.cn", "api://AzureADTokenExchangeChina"],
    ["https://127.0.0.1:4443", "api://AzureADTokenExchange"],
  ])("is the one of %s's cloud: %s", (authorityHost, audience) => {
    expect(tokenExchangeAudience(authorityHost)).toBe(audience);
  });
});

describe("federatedIssuer", () => {
  it("is {authority}/{tenant}/v2.0, as a managed identity's exchange token names its issuer", () => {
    const { tenant } = loadAppConfig({
      INVENTORY_TENANT_ID: "11111111-2222-3333-4444-555555555555",
      INVENTORY_CLIENT_ID: "66666666-7777-8888-9999-000000000000",
      INVENTORY_CREDENTIAL: "federated",
      AZURE_AUTHORITY_HOST: "https://login.microsoftonline.us/",
    });
    expect(federatedIssuer(tenant!)).toBe("https://login.microsoftonline.us/11111111-2222-3333-4444-555555555555/v2.0");
  });
});
