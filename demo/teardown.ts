/**
 * Everything the demo starts is registered here and stopped here, by PID, in reverse order:
 * on success, on failure and on Ctrl-C alike. After a teardown nothing new may start.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isAlive, stopProcess } from '../action-tests/services/index.ts';

export interface Stoppable {
  /** Short name for the report, e.g. "nginx". */
  name: string;
  /** The process to stop, when it is one (in-process servers have none). */
  pid?: number;
  stop(): Promise<void>;
}

/** Thrown when something would start after the teardown began (Ctrl-C during a start). */
export class TeardownStarted extends Error {
  override name = 'TeardownStarted';
}

export interface StoppedProcess {
  name: string;
  pid: number;
}

export interface TeardownOptions {
  /**
   * Also stop every process still below this one (default true: the demo owns its whole process).
   * A teardown inside a larger program (the rehearsal's production world) stops only what it owns.
   */
  stopDescendants?: boolean;
}

export class Teardown {
  readonly #stopDescendants: boolean;
  readonly #resources: Stoppable[] = [];
  readonly #started: StoppedProcess[] = [];
  readonly #pending = new Set<Promise<void>>();
  #running: Promise<StoppedProcess[]> | undefined;

  constructor(options: TeardownOptions = {}) {
    this.#stopDescendants = options.stopDescendants ?? true;
  }

  /** True once the teardown began. */
  get begun(): boolean {
    return this.#running !== undefined;
  }

  /**
   * Registers a resource that is starting and returns it once started. The teardown waits for
   * starts still under way, so nothing is left behind by a failure elsewhere or by Ctrl-C. After
   * the teardown began, a resource that finishes starting is stopped at once and TeardownStarted
   * is thrown, so the stage that was starting it ends.
   */
  async own<T extends Stoppable>(starting: Promise<T>): Promise<T> {
    const settled = starting.then(
      () => undefined,
      () => undefined
    );
    this.#pending.add(settled);
    let resource: T;
    try {
      resource = await starting;
    } finally {
      this.#pending.delete(settled);
    }
    if (resource.pid !== undefined) this.#started.push({ name: resource.name, pid: resource.pid });
    if (this.#running) {
      await resource.stop().catch(() => undefined);
      throw new TeardownStarted(`stopping: ${resource.name} was stopped right after it started`);
    }
    this.#resources.push(resource);
    return resource;
  }

  /** Every process registered so far (also the ones already stopped). */
  processes(): StoppedProcess[] {
    return [...this.#started];
  }

  /**
   * Waits for starts under way, stops the actions and commands still running, then everything
   * registered (newest first), then any process still below this one (unless `stopDescendants`
   * is false: then only what was registered). Idempotent: later calls
   * get the same promise. Resolves with the processes registered; problems go to `onProblem`.
   */
  run(onProblem: (message: string) => void): Promise<StoppedProcess[]> {
    this.#running ??= (async () => {
      const stopTree = (skip: ReadonlySet<number>) =>
        Promise.all(
          (this.#stopDescendants ? descendantProcesses(process.pid, skip) : []).map((pid) =>
            stopProcess(pid, 3_000).catch((error: Error) =>
              onProblem(`could not stop child process ${pid}: ${error.message}`)
            )
          )
        );
      // A start under way registers (and, the teardown having begun, stops) its resource itself;
      // cutting it short could orphan a server that already detached (PostgreSQL's postmaster).
      await Promise.all(this.#pending);
      // Then actions and commands still running, so none of them acts on a service going away.
      await stopTree(new Set(this.#started.map((p) => p.pid)));
      for (const resource of [...this.#resources].reverse()) {
        try {
          await resource.stop();
        } catch (error) {
          onProblem(`could not stop ${resource.name}: ${(error as Error).message}`);
        }
      }
      // Whatever is left below this process. The whole tree at once: a bundle's own children
      // (alembic, a worker) would otherwise be handed to init when their parent ends.
      await stopTree(new Set());
      for (const started of this.#started) {
        if (isAlive(started.pid)) onProblem(`${started.name} (pid ${started.pid}) is still running`);
      }
      return this.processes();
    })();
    return this.#running;
  }
}

/**
 * PIDs of the processes below `root` (children, their children, ...), from /proc (Linux); the
 * `skip` PIDs and the processes below them are left out.
 */
export function descendantProcesses(root: number, skip: ReadonlySet<number> = new Set()): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    if (skip.has(pid)) continue;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}
