import { randomBytes } from "node:crypto";

/** One version of a Key Vault secret. */
export interface SecretVersion {
  readonly version: string;
  readonly value: string;
  readonly contentType?: string;
  readonly created: number;
}

/** The vault's secrets with their version history; a removed secret answers 404 like a deleted one. */
export class SimulatedVault {
  private readonly secrets = new Map<string, SecretVersion[]>();
  private readonly removed = new Set<string>();

  /** Adds a new current version, or removes the secret when `value` is undefined. */
  set(name: string, value: string | undefined, contentType?: string): void {
    const key = name.toLowerCase();
    if (value === undefined) {
      this.removed.add(key);
      return;
    }
    this.removed.delete(key);
    const version: SecretVersion = {
      version: randomBytes(16).toString("hex"),
      value,
      created: Math.floor(Date.now() / 1000),
      ...(contentType === undefined ? {} : { contentType }),
    };
    this.secrets.set(key, [...(this.secrets.get(key) ?? []), version]);
  }

  /** The current version, or the named one; secret names are case-insensitive in Key Vault. */
  get(name: string, version?: string): SecretVersion | undefined {
    const key = name.toLowerCase();
    if (this.removed.has(key)) return undefined;
    const versions = this.secrets.get(key) ?? [];
    return version === undefined ? versions.at(-1) : versions.find((candidate) => candidate.version === version);
  }
}
