// The files around the template that deployment depends on: the parameters file both azd and `az deployment group
// create` read, azure.yaml, .funcignore and the deploy guide (docs/deploy.md). None of these tests needs the Bicep CLI.
import { readFileSync } from "node:fs";
import path from "node:path";
import { infraDir, repoRoot } from "./bicepCli";

const read = (...parts: string[]): string => readFileSync(path.join(...parts), "utf8");

interface BicepParam {
  name: string;
  hasDefault: boolean;
}

/** Top-level `param` declarations of a Bicep file. */
function bicepParams(source: string): BicepParam[] {
  return [...source.matchAll(/^param\s+(\w+)\s+[^=\n]+?(=.*)?$/gm)].map((m) => ({
    name: m[1] ?? "",
    hasDefault: m[2] !== undefined,
  }));
}

/** A small reader for the block-mapping subset of YAML that azure.yaml uses: nested keys and scalar values. */
function readYamlMap(text: string): Record<string, string> {
  const flat: Record<string, string> = {};
  const stack: { indent: number; key: string }[] = [];
  for (const line of text.split("\n")) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const match = /^(\s*)([\w.-]+):\s*(.*?)\s*$/.exec(line);
    if (match == null) throw new Error(`unsupported YAML line: ${line}`);
    const indent = match[1]?.length ?? 0;
    while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? 0) >= indent) stack.pop();
    const key = [...stack.map((s) => s.key), match[2] ?? ""].join(".");
    if (match[3] === undefined || match[3] === "") stack.push({ indent, key: match[2] ?? "" });
    else flat[key] = match[3];
  }
  return flat;
}

/** Whether a .funcignore (gitignore syntax, without negation) excludes a file path. */
function ignored(patterns: string[], file: string): boolean {
  const segments = file.split("/");
  const candidates = segments.map((_s, i) => ({
    path: segments.slice(0, i + 1).join("/"),
    isDir: i < segments.length - 1,
  }));
  return patterns.some((raw) => {
    const dirOnly = raw.endsWith("/");
    const pattern = dirOnly ? raw.slice(0, -1) : raw;
    const glob = pattern
      .split("**")
      .map((part) =>
        part
          .replace(/[.+^${}()|[\]\\]/g, "\\$&")
          .replace(/\*/g, "[^/]*")
          .replace(/\?/g, "[^/]"),
      )
      .join(".*");
    const anchored = pattern.includes("/");
    const regex = new RegExp(anchored ? `^${glob}$` : `(^|/)${glob}$`);
    return candidates.some((c) => (!dirOnly || c.isDir) && regex.test(c.path));
  });
}

describe("infra/main.parameters.json", () => {
  const parameters = JSON.parse(read(infraDir, "main.parameters.json")) as { parameters: Record<string, unknown> };
  const params = bicepParams(read(infraDir, "main.bicep"));

  it("names only parameters of main.bicep", () => {
    const known = params.map((p) => p.name);
    for (const name of Object.keys(parameters.parameters)) expect(known).toContain(name);
  });

  it("holds literal values only, so `az deployment group create` can read it as it is (no azd ${VAR} placeholders)", () => {
    expect(read(infraDir, "main.parameters.json")).not.toMatch(/\$\{/);
  });

  it("leaves exactly clientId to be given at deployment", () => {
    const given = Object.keys(parameters.parameters);
    const required = params.filter((p) => !p.hasDefault && !given.includes(p.name)).map((p) => p.name);
    expect(required).toEqual(["clientId"]);
  });
});

describe("azure.yaml", () => {
  const yaml = readYamlMap(read(repoRoot, "azure.yaml"));

  it("deploys this folder as the function service `api` with a remote build", () => {
    expect(yaml).toMatchObject({
      "services.api.project": ".",
      "services.api.language": "ts",
      "services.api.host": "function",
      "services.api.remoteBuild": "true",
    });
  });

  it("provisions infra/main.bicep", () => {
    expect(yaml).toMatchObject({ "infra.provider": "bicep", "infra.path": "infra", "infra.module": "main" });
  });
});

describe(".funcignore", () => {
  const patterns = read(repoRoot, ".funcignore")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));

  it("has no negations, which the ignore parsers of the publishing tools treat differently", () => {
    expect(patterns.filter((p) => p.startsWith("!"))).toEqual([]);
  });

  it.each([
    "node_modules/@azure/functions/package.json",
    "test/infra/template.test.ts",
    "bench/run.ts",
    "infra/main.bicep",
    "infra/.tools/packages/x",
    "dist/test/unit/a.test.js",
    "dist/bench/run.js",
    "dev/simulator/simulatedTenant.ts",
    "dist/dev/local/start.js",
    "dist/tsconfig.build.tsbuildinfo",
    "local.settings.json",
    ".git/config",
    ".azure/inventory/.env",
    "coverage/lcov.info",
  ])("leaves out %s", (file) => {
    expect(ignored(patterns, file)).toBe(true);
  });

  it.each([
    "host.json",
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "tsconfig.build.json",
    "src/index.ts",
    "src/functions/http.ts",
    "dist/src/index.js",
    "dist/src/functions/http.js",
  ])("keeps %s, which the remote build or the host needs", (file) => {
    expect(ignored(patterns, file)).toBe(false);
  });
});

describe("the deploy guide, docs/deploy.md", () => {
  const guide = read(repoRoot, "docs", "deploy.md").replace(/\s+/g, " "); // line breaks vary with wrapping

  it.each([
    ["creates the app registration", "az ad app create"],
    ["creates its service principal", "az ad sp create"],
    ["adds Graph User.Read.All as an application permission", "df021288-bdef-4463-88db-98f22de89214=Role"],
    ["names the Graph API", "--api 00000003-0000-0000-c000-000000000000"],
    ["grants admin consent", "az ad app permission admin-consent"],
    ["adds the service principal to a security group", "az ad group member add"],
    ["enables the Power BI tenant setting", "Service principals can access read-only admin APIs"],
    ["creates the federated credential", 'az ad app federated-credential create --id "$CLIENT_ID" --parameters'],
    ["names its issuer, subject and audience", '"issuer": "\'"$ISSUER"\'", "subject": "\'"$SUBJECT"\'", "audiences":'],
    ["reads them from the deployment's outputs", "FEDERATED_CREDENTIAL_ISSUER"],
    ["deletes a former secret from the vault", "az keyvault secret delete --vault-name"],
    ["and revokes it on the app registration", "az ad app credential delete --id"],
    ["creates a client secret", "az ad app credential reset"],
    ["deploys with azd", "azd up"],
    ["deploys with the Azure CLI", "az deployment group create"],
    ["puts the secret into the vault", "az keyvault secret set --vault-name"],
    ["publishes the code", "func azure functionapp publish"],
    ["triggers a sync through the admin endpoint", "/admin/functions/syncUsers"],
    ["gets a function key", "az functionapp keys list"],
    ["queries the API", "/api/snapshots/latest/users?code="],
  ])("%s", (_what, text) => {
    expect(guide).toContain(text);
  });

  it("offers the federated credential first, then the secret, then the certificate", () => {
    const order = (...texts: string[]) => texts.map((text) => guide.indexOf(text));
    const choices = order("1. **`federated` (recommended", "2. **`secret`**", "3. **`certificate`**");
    const step6 = order("### Federated:", "### Or put the client secret into the vault", "### Or a certificate");
    for (const positions of [choices, step6]) {
      expect(positions.every((position) => position >= 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    }
  });

  it("tells not to give the app Power BI API permissions", () => {
    expect(guide).toMatch(/Do \*\*not\*\* add any Power BI Service permission/);
  });
});
