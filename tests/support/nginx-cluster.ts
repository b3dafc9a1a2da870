/**
 * Several Accord instances on one database, as deployed (NODE_ENV=production, an https public URL — nginx's —, one
 * key secret for all, ACCORD_TRUST_PROXY=1), each its own process on a fixed loopback port, behind nginx
 * (tests/support/nginx.ts). An instance can be killed (SIGKILL) or stopped (SIGTERM) and started again on its port,
 * while nginx keeps its place in the upstream.
 * Needs `npm run build` first.
 */
import { randomBytes } from "node:crypto";
import { createSession } from "../../app/auth/session.server";
import { freePort, startNginx, type Nginx } from "./nginx";
import { startServerProcess, type ServerProcess } from "./server-process";

export interface Instance {
  port: number;
  /** The running process, or null while stopped. */
  process: ServerProcess | null;
}

export interface NginxCluster {
  nginx: Nginx;
  /** What clients use: nginx's address. */
  url: string;
  /** The public origin every instance expects in Origin (https, as browsers behind TLS would send). */
  origin: string;
  instances: Instance[];
  /** The upstream address ("127.0.0.1:<port>") nginx names in X-Accord-Upstream, per instance. */
  upstream(index: number): string;
  start(index: number): Promise<void>;
  /** SIGKILL, or SIGTERM (waits until the process has exited). */
  stop(index: number, signal: "SIGKILL" | "SIGTERM"): Promise<void>;
  /** A session cookie as the production instances name it (`__Host-accord_session`). */
  cookieFor(userId: string): Promise<string>;
  close(): Promise<void>;
}

export async function startNginxCluster(databaseUrl: string, count = 3): Promise<NginxCluster> {
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const nginx = await startNginx(ports);
  const origin = `https://127.0.0.1:${nginx.port}`;
  const env = {
    NODE_ENV: "production",
    ACCORD_PUBLIC_URL: origin,
    ACCORD_KEY_SECRET: randomBytes(24).toString("hex"),
    ACCORD_TRUST_PROXY: "1",
    SMTP_URL: "smtp://127.0.0.1:9",
    ACCORD_LOG_LEVEL: "info",
  };
  const instances: Instance[] = ports.map((port) => ({ port, process: null }));
  const cluster: NginxCluster = {
    nginx,
    url: nginx.url,
    origin,
    instances,
    upstream: (index) => `127.0.0.1:${instances[index]!.port}`,
    async start(index) {
      const instance = instances[index]!;
      // A restart during a test competes with the other instances and the typing clients for the CPUs: give it time.
      instance.process = await startServerProcess(databaseUrl, { ...env, PORT: String(instance.port) }, 120_000);
    },
    async stop(index, signal) {
      const instance = instances[index]!;
      await instance.process?.kill(signal);
      instance.process = null;
    },
    async cookieFor(userId) {
      const { token } = await createSession(userId, "nginx-cluster");
      return `__Host-accord_session=${token}`;
    },
    async close() {
      await Promise.all(instances.map((_, i) => cluster.stop(i, "SIGKILL")));
      await nginx.stop();
    },
  };
  try {
    // One after the other: each migrates (a no-op here) and seeds at start.
    for (let i = 0; i < count; i++) await cluster.start(i);
  } catch (error) {
    await cluster.close();
    throw error;
  }
  return cluster;
}
