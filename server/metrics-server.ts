/**
 * `GET /metrics` (Prometheus text format) on a port of its own, never the public one: ACCORD_METRICS_PORT (unset: no
 * metrics), bound to ACCORD_METRICS_HOST (127.0.0.1 unless the operator opens it to a private interface). Anything
 * else on that port is a 404. What each metric means and what to alert on: docs/operations.md.
 */
import http from "node:http";
import { ConfigError } from "../app/config.server";
import { metrics } from "../app/utils/metrics.server";
import { log } from "../app/utils/log.server";

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(options: { port: number; host: string }): Promise<MetricsServer> {
  const { registry } = metrics();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method !== "GET" || path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found: this port serves GET /metrics only.\n");
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" }).end(text),
      (error: unknown) => {
        log.error(`metrics: could not collect: ${(error as Error).message}`);
        res.writeHead(500, { "content-type": "text/plain" }).end("The metrics could not be collected.\n");
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new ConfigError(`ACCORD_METRICS_PORT ${options.port} is already in use on ${options.host}: choose another port.`) : error),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
