/**
 * Configuration: every environment variable Accord reads, validated once with zod.
 * A bad value stops the process at start with a message naming the variable.
 * Keep this list, `.env.example` and the README's "Configuration" table in step.
 */
import { z } from "zod";

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z.string().url().optional(),
  ACCORD_DATA_DIR: z.string().min(1).default("./.data"),
  ACCORD_EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  ACCORD_PUBLIC_URL: z.string().url().optional(),
  ACCORD_TRUST_PROXY: z
    .enum(["0", "1", "true", "false"])
    .default("0")
    .transform((v) => v === "1" || v === "true"),
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().min(3).default("Accord <no-reply@accord.invalid>"),
  ACCORD_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  ACCORD_PUBLIC_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  ACCORD_KEY_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  ACCORD_COMMIT_CONNECTIONS: z.coerce.number().int().min(1).max(32).default(2),
  ACCORD_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  ACCORD_METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  ACCORD_ALLOW_UNSAFE_DURABILITY: z
    .enum(["0", "1", "true", "false"])
    .default("0")
    .transform((v) => v === "1" || v === "true"),
});

/** The names of every variable read (kept in step with .env.example and the README by a test). */
export const CONFIG_VARIABLES = Object.keys(schema.shape);

export type Config = z.infer<typeof schema> & {
  isProduction: boolean;
  publicUrl: string;
  /** The public URL is https: the session cookie is `Secure` with the `__Host-` prefix, and HSTS is sent (not NODE_ENV). */
  isHttps: boolean;
};

// On globalThis, like the database client: the Remix server build carries its own copy of this module, and both
// copies must read one configuration (a test that changes the environment resets it for both).
const KEY = Symbol.for("accord.config");
const holder = globalThis as unknown as { [KEY]?: Config | null };

export class ConfigError extends Error {}

/** The validated configuration. Throws ConfigError naming every bad variable. */
export function getConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cached = holder[KEY];
  if (cached && env === process.env) return cached;
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const c = parsed.data;
  const publicUrl = (c.ACCORD_PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, "");
  const config: Config = {
    ...c,
    isProduction: c.NODE_ENV === "production",
    publicUrl,
    isHttps: new URL(publicUrl).protocol === "https:",
  };
  if (env === process.env) holder[KEY] = config;
  return config;
}

/** Forget the cached configuration (tests change the environment). */
export function resetConfigCache(): void {
  holder[KEY] = null;
}
