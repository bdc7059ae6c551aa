// Waiting in tests: a pause, and polling a condition with a deadline whose error names what
// was awaited. Shared by the server, feed, broker and command tests.

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `condition` every `everyMs` for at most `ms`; the error names `what` it waited for. */
export const until = async (
  condition: () => boolean,
  what: string,
  ms = 10_000,
  everyMs = 10,
): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(everyMs);
  }
};
