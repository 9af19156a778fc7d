import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";

/**
 * A credential built on first use. The app credential needs a Key Vault read; deferring it lets a sync record a
 * vault failure in its snapshot manifest like any other upstream failure.
 */
export function lazyCredential(build: () => Promise<TokenCredential>): TokenCredential {
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      return (await build()).getToken(scopes, options);
    },
  };
}
