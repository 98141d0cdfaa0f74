/**
 * The runner cancels a step by signalling its process: SIGINT, then SIGTERM 7.5 s later, then
 * SIGKILL 2.5 s after that. Programs the step started in their own process groups get none of
 * these, so a step that started any stops them itself before it ends.
 */

/**
 * On SIGINT or SIGTERM, runs `cleanup` once and then ends the process by that same signal, as it
 * would have ended without a handler. Returns a function that removes the handlers.
 */
export function onTermination(cleanup: (signal: NodeJS.Signals) => Promise<void>): () => void {
  let cleaning = false;
  const handle = (signal: NodeJS.Signals) => {
    // A second signal while cleaning up changes nothing: the runner's SIGKILL comes anyway.
    if (cleaning) return;
    cleaning = true;
    void cleanup(signal)
      .catch(() => undefined)
      .finally(() => {
        remove();
        process.kill(process.pid, signal);
      });
  };
  const remove = () => {
    process.off('SIGINT', handle);
    process.off('SIGTERM', handle);
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
  return remove;
}
