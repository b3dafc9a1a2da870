/**
 * A small leveled logger (ACCORD_LOG_LEVEL). Never log e-mail addresses, IPs, tokens or passwords; as a safety net,
 * anything shaped like an e-mail address is replaced in every line (errors from SMTP or PostgreSQL can carry one).
 */
import { getConfig } from "../config.server";
import { withoutEmailAddresses } from "./redact";

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = Exclude<keyof typeof LEVELS, "silent">;

function emit(level: Level, message: string): void {
  if (LEVELS[level] < LEVELS[getConfig().ACCORD_LOG_LEVEL]) return;
  const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${withoutEmailAddresses(message)}`;
  if (level === "error" || level === "warn") process.stderr.write(line + "\n");
  else process.stdout.write(line + "\n");
}

export const log = {
  debug: (m: string) => emit("debug", m),
  info: (m: string) => emit("info", m),
  warn: (m: string) => emit("warn", m),
  error: (m: string) => emit("error", m),
};
