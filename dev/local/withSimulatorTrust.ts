import { runTrustingSimulator } from "./trustedProcess";

/** `node dist/dev/local/withSimulatorTrust.js <script> [args...]`: runs a script that trusts the simulated tenant. */
const [script, ...args] = process.argv.slice(2);
if (script === undefined) {
  console.error("usage: node dist/dev/local/withSimulatorTrust.js <script> [args...]");
  process.exit(2);
}
runTrustingSimulator(script, args).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
