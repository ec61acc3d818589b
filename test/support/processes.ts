// Child processes for tests and the bench: start one, wait for the line that says it is ready, read what it prints,
// stop it. Both pipes are read line by line for as long as the child runs, so it never blocks on a full pipe.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Date.now() when it exited. */
  at: number;
}

export interface ProcessOptions {
  /** What it is, for error messages ("npm start", "Prism"). */
  name: string;
  /** The line that says it is ready; spawnUntilReady resolves with its match. */
  ready: RegExp;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** A process group of its own, so that stop() reaches npm and the node it starts, as a terminal's signal does. */
  detached?: boolean;
  /** How long it may take to print the ready line (default 15 s). */
  timeoutMs?: number;
  /**
   * Keep the lines printed after the ready line too. Off by default: a server that logs every request would
   * otherwise fill the memory of a long bench run.
   */
  keepOutput?: boolean;
}

export interface RunningProcess {
  child: ChildProcess;
  pid: number;
  /** The ready line's match. */
  ready: RegExpMatchArray;
  /** stdout and stderr lines in order of arrival (those after the ready line only with keepOutput). */
  lines: string[];
  exited: Promise<Exit>;
  /** Both pipes have closed (every writer, grandchildren included, is gone): every line is in. */
  outputEnded: Promise<void>;
  /** The first line, already printed or still to come, that matches; rejects after timeoutMs or when output ends. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** SIGTERM (to its group when detached), SIGKILL after graceMs (default 10 s); resolves when it has exited. */
  stop(graceMs?: number): Promise<Exit>;
}

/** Spawns `command` and resolves once it prints a line matching `options.ready`; kills it if it never does. */
export async function spawnUntilReady(
  command: string,
  args: string[],
  options: ProcessOptions,
): Promise<RunningProcess> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: options.detached,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const exited = new Promise<Exit>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() }));
    child.once("error", (error) => {
      lines.push(String(error));
      resolve({ code: null, signal: null, at: Date.now() });
    });
  });
  let keeping = true;
  const listeners = new Set<(line: string) => void>();
  const outputEnded = Promise.all(
    [child.stdout!, child.stderr!].map((input) => {
      const reader = createInterface({ input });
      reader.on("line", (line) => {
        if (keeping) lines.push(line);
        for (const listener of listeners) listener(line);
      });
      return new Promise<void>((resolve) => reader.once("close", () => resolve()));
    }),
  ).then(() => {});

  const printed = () => lines.slice(-40).join("\n");
  const waitForLine = (pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> => {
    for (const line of lines) {
      const match = pattern.exec(line);
      if (match) return Promise.resolve(match);
    }
    return new Promise((resolve, reject) => {
      const settle = (settler: () => void) => {
        clearTimeout(timer);
        listeners.delete(onLine);
        settler();
      };
      const onLine = (line: string) => {
        const match = pattern.exec(line);
        if (match) settle(() => resolve(match));
      };
      const timer = setTimeout(
        () =>
          settle(() =>
            reject(new Error(`${options.name}: no line matching ${pattern} within ${timeoutMs} ms\n${printed()}`)),
          ),
        timeoutMs,
      );
      listeners.add(onLine);
      void outputEnded.then(() =>
        settle(() =>
          reject(new Error(`${options.name} ended its output before a line matching ${pattern}\n${printed()}`)),
        ),
      );
    });
  };

  const signal = (name: NodeJS.Signals) => {
    try {
      if (options.detached) process.kill(-child.pid!, name);
      else child.kill(name);
    } catch {
      // The group is already gone.
    }
  };
  const stop = async (graceMs = 10_000): Promise<Exit> => {
    if (child.exitCode === null && child.signalCode === null) {
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    }
    return exited;
  };

  let ready: RegExpMatchArray;
  try {
    ready = await waitForLine(options.ready, options.timeoutMs ?? 15_000);
  } catch (error) {
    signal("SIGKILL");
    await exited;
    throw error;
  }
  keeping = options.keepOutput ?? false;
  return { child, pid: child.pid!, ready, lines, exited, outputEnded, waitForLine, stop };
}
