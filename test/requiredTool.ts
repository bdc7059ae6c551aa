// Tests that need a program from Debian (Chromium, mosquitto, python3-websockets …) run when it
// is installed and always in CI (where its absence must fail the run); on a machine without it,
// outside CI, they skip — and say so, naming the package to install, instead of skipping quietly.

/**
 * Whether the tests that need `tool` run: when it is `present`, or in CI. When they do not, a
 * line on standard error names the package to install.
 */
export function runsWith(tool: string, present: boolean, aptPackage: string): boolean {
  if (present || process.env.CI !== undefined) return true;
  process.stderr.write(
    `skipping the tests that need ${tool}: it is missing here (sudo apt-get install ${aptPackage}); in CI they run\n`,
  );
  return false;
}
