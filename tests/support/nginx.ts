/**
 * nginx (Debian's /usr/sbin/nginx, or NGINX_PATH) in front of Accord instances on loopback ports, as a child process
 * (`daemon off`) running as the current user, with its pid, logs and temporary files in a directory of its own. The
 * server block includes the repository's deploy/nginx/accord-locations.conf, the one operators use, so the tests and
 * the benchmark go through the same proxying rules. Round-robin, no sticky sessions.
 * Each answer carries `X-Accord-Upstream` (which instance served it), for the tests only.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
export const NGINX_LOCATIONS = path.join(root, "deploy/nginx/accord-locations.conf");

export function nginxPath(): string {
  return process.env.NGINX_PATH ?? "/usr/sbin/nginx";
}

export interface Nginx {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  pid: number;
  /** The master's and its workers' pids (for the benchmark's CPU figures). */
  pids(): number[];
  /** nginx's error log so far. */
  errors(): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** The nginx.conf the harness runs: the repository's locations, an upstream of `ports`, everything else in `dir`. */
/**
 * Connections one nginx worker may hold. Each proxied socket takes two (the client's and the one to the instance), so
 * the default serves ~4,000 sockets; the benchmark's 8,000 asks for more (and for the open-file limit to match).
 */
const DEFAULT_WORKER_CONNECTIONS = 8192;

export function renderNginxConf(options: { dir: string; port: number; upstreamPorts: number[]; workers?: number; collabByDocument?: boolean; workerConnections?: number }): string {
  const { dir } = options;
  const asRoot = process.getuid?.() === 0;
  return [
    "daemon off;",
    // Started as root, nginx would switch its workers to `nobody`; keep them as the current user, as otherwise.
    ...(asRoot ? ["user root;"] : []),
    `worker_processes ${options.workers ?? 1};`,
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log warn;`,
    // nginx needs a file descriptor per connection, plus its logs and listening sockets.
    `worker_rlimit_nofile ${(options.workerConnections ?? DEFAULT_WORKER_CONNECTIONS) + 256};`,
    `events { worker_connections ${options.workerConnections ?? DEFAULT_WORKER_CONNECTIONS}; }`,
    "http {",
    "  access_log off;",
    ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `  ${t}_temp_path ${dir}/${t}_temp;`),
    "  upstream accord {",
    ...options.upstreamPorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`),
    "    keepalive 32;",
    "  }",
    // Round-robin unless asked (deploy/nginx/accord.conf explains `hash $uri consistent`).
    "  upstream accord_collab {",
    ...(options.collabByDocument ? ["    hash $uri consistent;"] : []),
    ...options.upstreamPorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`),
    "  }",
    "  server {",
    `    listen 127.0.0.1:${options.port};`,
    "    add_header X-Accord-Upstream $upstream_addr always;",
    `    include ${NGINX_LOCATIONS};`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/** Processes whose parent is `pid` (nginx's workers), from /proc. */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export async function startNginx(upstreamPorts: number[], options: { workers?: number; collabByDocument?: boolean; workerConnections?: number } = {}): Promise<Nginx> {
  const binary = nginxPath();
  if (!existsSync(binary)) throw new Error(`nginx is not installed at ${binary}: apt-get install -y nginx (or set NGINX_PATH)`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "accord-nginx-"));
  for (const t of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(path.join(dir, `${t}_temp`));
  const port = await freePort();
  const conf = path.join(dir, "nginx.conf");
  writeFileSync(conf, renderNginxConf({ dir, port, upstreamPorts, workers: options.workers, collabByDocument: options.collabByDocument, workerConnections: options.workerConnections }));
  // -e: the log nginx writes before it has read its configuration (it would try /var/log/nginx otherwise).
  const child: ChildProcess = spawn(binary, ["-p", dir, "-c", conf, "-e", path.join(dir, "early-error.log")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const errors = () => {
    const file = path.join(dir, "error.log");
    return stderr + (existsSync(file) ? readFileSync(file, "utf8") : "");
  };
  const started = Date.now();
  while (!(await listening(port))) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}):\n${errors()}`);
    if (Date.now() - started > 10_000) throw new Error(`nginx did not listen within 10 s:\n${errors()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    pids: () => [child.pid!, ...childrenOf(child.pid!)],
    errors,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        child.once("exit", () => {
          clearTimeout(timer);
          done();
        });
        child.kill("SIGTERM"); // fast shutdown: open websockets are cut (a graceful one would wait for them)
      }),
  };
}
