/**
 * The process's logger: one JSON object per line (pino), at ACCORD_LOG_LEVEL, read at each call so a changed
 * configuration applies at once. Debug and info lines go to stdout, warnings and errors to stderr; in development on
 * a terminal, a short human form instead (`pretty` below; no pino-pretty, nothing loaded at run time).
 *
 * Lines are written in batches: see `flushLog`.
 *
 * Never log e-mail addresses, IPs, tokens, cookies or passwords. As safety nets, anything shaped like an e-mail
 * address is replaced in every message (errors from SMTP or PostgreSQL can carry one), and a field with one of those
 * names is censored.
 */
import { pino, type DestinationStream, type Logger } from "pino";
import { getConfig } from "../config.server";
import { withoutEmailAddresses } from "./redact";

type Level = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** Field names censored whatever code put them there (fields are flat: LogFields holds no objects). */
const SECRET_FIELDS = new Set(["email", "ip", "token", "password", "cookie", "authorization", "secret"]);

function censored(fields: LogFields): LogFields {
  for (const key of Object.keys(fields)) {
    if (SECRET_FIELDS.has(key.toLowerCase())) return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, SECRET_FIELDS.has(k.toLowerCase()) ? "[redacted]" : v]));
  }
  return fields;
}

const LABELS: Record<string, string> = { debug: "DEBUG", info: "INFO ", warn: "WARN ", error: "ERROR", fatal: "FATAL" };

/** One JSON line as a person reads it: "12:04:05.123 INFO  message  key=value …". */
export function pretty(line: string): string {
  try {
    const { level, time, msg, pid: _pid, hostname: _hostname, ...fields } = JSON.parse(line) as Record<string, unknown>;
    const when = new Date(Number(time)).toISOString().slice(11, 23);
    const extra = Object.entries(fields)
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" ");
    return `${when} ${LABELS[String(level)] ?? String(level)} ${String(msg ?? "")}${extra ? `  ${extra}` : ""}\n`;
  } catch {
    return line;
  }
}

/**
 * Debug and info lines (one per request: the bulk) are gathered and written together once per turn of the event loop:
 * one write per turn instead of one per line (a write costs about ten times what formatting a line does). Warnings and
 * errors are written at once, after what was gathered, so the order holds. Writes go through process.stdout/stderr
 * as they are at that moment (a test that captures them sees every line once it called `flushLog`).
 */
let gathered = "";
let flushScheduled = false;

/** Write the gathered debug and info lines now. */
export function flushLog(): void {
  flushScheduled = false;
  if (!gathered) return;
  const text = gathered;
  gathered = "";
  process.stdout.write(text);
}

function destination(human: boolean): DestinationStream {
  process.once("exit", flushLog);
  return {
    write(line: string) {
      const text = human ? pretty(line) : line;
      if (line.startsWith('{"level":"warn"') || line.startsWith('{"level":"error"') || line.startsWith('{"level":"fatal"')) {
        flushLog();
        process.stderr.write(text);
        return;
      }
      gathered += text;
      if (gathered.length > 64 * 1024) flushLog();
      else if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flushLog);
      }
    },
  };
}

// On globalThis, like the configuration: the Remix server build carries its own copy of this module.
const KEY = Symbol.for("accord.logger");
const holder = globalThis as unknown as { [KEY]?: Logger };

function logger(): Logger {
  const config = getConfig();
  let instance = holder[KEY];
  if (!instance) {
    const human = config.NODE_ENV === "development" && process.stdout.isTTY === true;
    instance = pino(
      {
        level: config.ACCORD_LOG_LEVEL,
        formatters: { level: (label) => ({ level: label }) },
        timestamp: pino.stdTimeFunctions.epochTime,
      },
      destination(human),
    );
    holder[KEY] = instance;
  }
  if (instance.level !== config.ACCORD_LOG_LEVEL) instance.level = config.ACCORD_LOG_LEVEL;
  return instance;
}

function emit(level: Level, message: string, fields?: LogFields): void {
  const l = logger();
  if (!l.isLevelEnabled(level)) return;
  l[level](fields ? censored(fields) : {}, withoutEmailAddresses(message));
}

export const log = {
  debug: (m: string, fields?: LogFields) => emit("debug", m, fields),
  info: (m: string, fields?: LogFields) => emit("info", m, fields),
  warn: (m: string, fields?: LogFields) => emit("warn", m, fields),
  error: (m: string, fields?: LogFields) => emit("error", m, fields),
};
