/** The HTTP server of one Accord instance: Express + Remix, and the collaboration websocket on the same port. */
import type { ServerBuild } from "@remix-run/node";
import http from "node:http";
import { initHashedKeys } from "../app/auth/hashed-key.server";
import { getSql } from "../db/client";
import { CollabServer, DEFAULT_COLLAB_OPTIONS, type CollabOptions } from "./collab/collab-server";
import { createHttpApp } from "./http-app";
import { startMaintenance } from "./maintenance";
import { startMetricsServer, type MetricsServer } from "./metrics-server";

export interface AccordServer {
  http: http.Server;
  collab: CollabServer;
  port: number;
  /** The metrics port, or null when metrics are off. */
  metricsPort: number | null;
  close(): Promise<void>;
}

export async function startAccordServer(options: {
  build: ServerBuild;
  root: string;
  port: number;
  host: string;
  collab?: Partial<CollabOptions>;
  publicCacheMs?: number;
  /** Serve GET /metrics on this port and interface (server/metrics-server.ts); off when absent. */
  metrics?: { port: number; host: string } | null;
}): Promise<AccordServer> {
  await initHashedKeys();
  const app = createHttpApp({ build: options.build, root: options.root, publicCacheMs: options.publicCacheMs });
  const server = http.createServer(app);
  server.keepAliveTimeout = 65_000;
  const collab = new CollabServer(getSql(), { ...DEFAULT_COLLAB_OPTIONS, ...options.collab });
  await collab.start(server);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const metricsServer: MetricsServer | null = options.metrics ? await startMetricsServer(options.metrics) : null;
  const stopMaintenance = startMaintenance();
  return {
    http: server,
    collab,
    port,
    metricsPort: metricsServer?.port ?? null,
    async close() {
      server.closeIdleConnections();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await collab.close();
      server.closeAllConnections();
      await closed;
      await stopMaintenance();
      await metricsServer?.close();
    },
  };
}
