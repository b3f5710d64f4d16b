/**
 * Everything the tool starts or creates registers its cleanup here, so the shells can run
 * all of it on Ctrl-C or SIGTERM before exiting. Normal runs dispose through `await using`
 * and unregister; this is the safety net for interrupted runs.
 */
const cleanups = new Set<() => Promise<void>>();
let interrupted = false;

/** Whether an interrupt is being handled: errors from here on are its echoes, not bugs. */
export function isInterrupted(): boolean {
  return interrupted;
}

export function onInterrupt(cleanup: () => Promise<void>): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Runs every registered cleanup, newest first, each bounded by `timeoutMs`. */
export async function cleanupAll(timeoutMs = 10_000): Promise<void> {
  interrupted = true;
  const pending = [...cleanups].reverse();
  cleanups.clear();
  for (const cleanup of pending) {
    await Promise.race([cleanup().catch(() => {}), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }
}

/** Whether a process exists (EPERM: it does, owned by another user such as `nobody`). */
export function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
