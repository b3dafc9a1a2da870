/**
 * `npm start`: build if needed, open PostgreSQL (embedded unless DATABASE_URL), migrate, seed, and serve
 * HTTP (and the collaboration websocket) on PORT. Stops cleanly on SIGINT/SIGTERM.
 */
import type { ServerBuild } from "@remix-run/node";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ConfigError, getConfig, resetConfigCache } from "../app/config.server";
import { describeDeployment, productionProblems } from "../app/deployment.server";
import { log } from "../app/utils/log.server";
import { ensureBuild } from "./build";
import { openConfiguredDatabase, type Database } from "./database";
import { checkDurability, DurabilityError } from "./durability";
import { EmbeddedPostgresError } from "./embedded-postgres";
import { startAccordServer } from "./accord-server";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

async function main(): Promise<void> {
  const config = getConfig();
  const problems = productionProblems(config);
  if (problems.length > 0) {
    throw new ConfigError(`Accord refuses to run in production without:\n${problems.map((p) => `  ${p}`).join("\n")}\n(Set them, or run without NODE_ENV=production to try Accord out.)`);
  }
  await ensureBuild(root, (m) => log.info(m));
  const build = (await import(pathToFileURL(path.join(root, "build/index.js")).href)) as ServerBuild;
  const db: Database = await openConfiguredDatabase({ migrate: true, seed: true });
  const unsafe = await checkDurability(db.sql, { allowUnsafe: config.ACCORD_ALLOW_UNSAFE_DURABILITY }).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  for (const problem of unsafe) log.warn(`ACCORD_ALLOW_UNSAFE_DURABILITY is set, so Accord starts although ${problem}`);
  const server = await startAccordServer({
    build,
    root,
    port: config.PORT,
    host: config.HOST,
    collab: { commitConnections: config.ACCORD_COMMIT_CONNECTIONS },
    metrics: config.ACCORD_METRICS_PORT === undefined ? null : { port: config.ACCORD_METRICS_PORT, host: config.ACCORD_METRICS_HOST },
  });
  const port = server.port;
  if (!config.ACCORD_PUBLIC_URL && config.PORT === 0) {
    // PORT=0 picked a free port: links in e-mails must carry the real one.
    process.env.ACCORD_PUBLIC_URL = `http://localhost:${port}`;
    resetConfigCache();
  }
  log.info(describeDeployment(getConfig(), { host: config.HOST, port }));
  if (server.metricsPort !== null) log.info(`metrics: GET http://${config.ACCORD_METRICS_HOST}:${server.metricsPort}/metrics (Prometheus; keep this port private)`);
  log.info(`Accord is ready on http://localhost:${port} (${db.embedded ? "embedded PostgreSQL" : "DATABASE_URL"})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`);
    const forced = setTimeout(() => process.exit(1), 10_000);
    forced.unref();
    await server.close();
    await db.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof EmbeddedPostgresError || error instanceof DurabilityError) {
    process.stderr.write(`\n${error.message}\n\n`);
  } else if ((error as NodeJS.ErrnoException)?.code === "EADDRINUSE") {
    process.stderr.write(`\nPort ${getConfig().PORT} is already in use: set PORT to a free port.\n\n`);
  } else {
    process.stderr.write(`\nAccord could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n\n`);
  }
  process.exit(1);
});
