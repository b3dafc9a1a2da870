/** Accord as a separate process (`tsx server/start.ts`), so tests can kill it with SIGKILL or run two. */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** The server's recent log lines. */
  log(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * `startTimeoutMs`: how long it may take to say it is ready (compiling and importing everything on a busy machine).
 * `appRoot`: another copy of Accord to run (its own sources and build; default this one).
 */
export async function startServerProcess(databaseUrl: string, env: Record<string, string> = {}, startTimeoutMs = 30_000, appRoot = root): Promise<ServerProcess> {
  // `node --import tsx`, not the tsx CLI: the CLI forks a second process, and SIGKILL must hit the server itself.
  const child = spawn(process.execPath, ["--import", "tsx", path.join(appRoot, "server/start.ts")], {
    cwd: appRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: "0", HOST: "127.0.0.1", ACCORD_LOG_LEVEL: "info", NODE_ENV: "test", ACCORD_PUBLIC_CACHE_MS: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within ${startTimeoutMs / 1000} s:\n${output}`)), startTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/ready on (http:\/\/localhost:\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!.replace("localhost", "127.0.0.1"));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}):\n${output}`));
    });
  });
  // Keep the server's log (the last 200 lines, from its start) so a failing test can show what the server said.
  const tail: string[] = output.split("\n").filter((line) => line.trim());
  const keep = (c: Buffer) => {
    for (const line of c.toString().split("\n")) if (line.trim()) tail.push(line);
    if (tail.length > 200) tail.splice(0, tail.length - 200);
    if (process.env.ACCORD_TEST_SERVER_LOG) process.stderr.write(c);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return {
    url,
    child,
    log: () => tail.join("\n"),
    kill: (signal: NodeJS.Signals = "SIGTERM") =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
  };
}
