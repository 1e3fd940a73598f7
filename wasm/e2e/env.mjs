// What `cargo xtask playground --test` hands the tests: the built site
// (PLAYGROUND_DIR), the address of the server that serves it
// (PLAYGROUND_URL: the server of `cargo xtask playground --serve`, the
// playground's only one), the modules' size budgets, the `rolemap` binary,
// Chromium and the examples.

/** The environment variable `name`, or a failure naming it (never a skip). */
export function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`cargo xtask playground --test\` (or \`cargo xtask test\`)`);
  return value;
}
