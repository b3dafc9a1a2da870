import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES, ConfigError, getConfig } from "../../app/config.server";

const root = path.resolve(import.meta.dirname, "../..");

describe("configuration", () => {
  it("documents every variable it reads in .env.example and in the README's table", () => {
    const example = readFileSync(path.join(root, ".env.example"), "utf8");
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    for (const name of CONFIG_VARIABLES) {
      expect(example, `${name} in .env.example`).toMatch(new RegExp(`^# ${name}=`, "m"));
      expect(readme, `${name} in the README`).toContain(`| \`${name}\` |`);
    }
  });

  it("starts with two commit connections unless told otherwise, and refuses a count it cannot use", () => {
    const env = (vars: Record<string, string>) => ({ NODE_ENV: "test", ...vars }) as NodeJS.ProcessEnv;
    expect(getConfig(env({})).ACCORD_COMMIT_CONNECTIONS).toBe(2);
    expect(getConfig(env({ ACCORD_COMMIT_CONNECTIONS: "4" })).ACCORD_COMMIT_CONNECTIONS).toBe(4);
    expect(() => getConfig(env({ ACCORD_COMMIT_CONNECTIONS: "0" }))).toThrow(ConfigError);
    expect(() => getConfig(env({ ACCORD_COMMIT_CONNECTIONS: "many" }))).toThrow(/ACCORD_COMMIT_CONNECTIONS/);
  });
});
