import { chromium, type Browser } from "playwright-core";
import { onPath } from "./externalTools";

/** Debian's Chromium (`apt-get install chromium`); tests never download a browser of their own. */
export const CHROMIUM = onPath("chromium");

/**
 * What keeps Chromium quiet on a machine without internet: no background traffic (updates, sync, field trials)
 * that this closed network would refuse, no GPU, no QUIC, no first-run pages. `--no-sandbox` because tests run as
 * root here.
 */
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Headless Chromium driven by playwright-core, in a new empty profile that Playwright removes when it closes. */
export async function launchChromium(): Promise<Browser> {
  if (CHROMIUM === undefined) throw new Error("chromium is not installed (apt-get install chromium)");
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}
