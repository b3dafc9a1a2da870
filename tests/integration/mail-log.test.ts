/**
 * What reaches the log about mail: bodies (they carry reset and verification links) only while no SMTP is configured
 * and the server listens on loopback alone; never an e-mail address, not even inside an SMTP server's error, which is
 * also stored without it. The SMTP server here is a real one on a socket that refuses every recipient.
 */
import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { getSql } from "../../db/client";
import { resetConfigCache } from "../../app/config.server";
import { flushMail, sendMail } from "../../app/mail/mailer.server";
import { flushLog } from "../../app/utils/log.server";
import { uniqueEmail } from "../support/factories";

const saved = { ...process.env };
afterAll(() => {
  for (const k of ["SMTP_URL", "HOST", "ACCORD_LOG_LEVEL", "NODE_ENV"]) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  resetConfigCache();
});
afterEach(() => vi.restoreAllMocks());

function env(vars: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetConfigCache();
}

/** Everything written to stdout and stderr while `work` runs. */
async function logOf(work: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const keep = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(keep);
  vi.spyOn(process.stderr, "write").mockImplementation(keep);
  await work();
  flushLog();
  vi.restoreAllMocks();
  return lines.join("");
}

const BODY = "Open https://accord.example/reset-password?token=secret.link to choose a new password.";

describe("mail without SMTP", () => {
  it("prints the body, with its link, when the server listens on loopback only", async () => {
    env({ SMTP_URL: undefined, HOST: "127.0.0.1", ACCORD_LOG_LEVEL: "info", NODE_ENV: "development" });
    const to = uniqueEmail("loop");
    const log = await logOf(() => sendMail({ to, subject: "Reset your Accord password", text: BODY }));
    expect(log).toContain("token=secret.link");
    expect(log).not.toContain(to);
  });

  it("never prints the body when the server listens beyond this machine, or in production", async () => {
    for (const vars of [{ HOST: "0.0.0.0", NODE_ENV: "development" }, { HOST: "::", NODE_ENV: "development" }, { HOST: "127.0.0.1", NODE_ENV: "production" }]) {
      env({ SMTP_URL: undefined, ACCORD_LOG_LEVEL: "info", ...vars });
      const log = await logOf(() => sendMail({ to: uniqueEmail("wide"), subject: "Reset your Accord password", text: BODY }));
      expect(log, JSON.stringify(vars)).toContain("stored in the outbox");
      expect(log, JSON.stringify(vars)).not.toContain("secret.link");
    }
  });
});

describe("mail an SMTP server refuses", () => {
  let smtp: net.Server;
  let port = 0;
  beforeAll(async () => {
    smtp = net.createServer((socket) => {
      socket.write("220 fake.example ESMTP\r\n");
      let buffer = "";
      socket.on("data", (data) => {
        buffer += data.toString();
        let end: number;
        while ((end = buffer.indexOf("\r\n")) !== -1) {
          const line = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const verb = line.slice(0, 4).toUpperCase();
          if (verb === "EHLO" || verb === "HELO") socket.write("250-fake.example\r\n250 8BITMIME\r\n");
          else if (verb === "MAIL") socket.write("250 2.1.0 OK\r\n");
          else if (verb === "RCPT") socket.write(`550 5.1.1 ${line.slice(8).trim()}: Recipient address rejected: user unknown\r\n`);
          else if (verb === "QUIT") socket.end("221 2.0.0 Bye\r\n");
          else socket.write("250 OK\r\n");
        }
      });
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    port = (smtp.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

  it("logs and stores the refusal without the recipient's address", async () => {
    env({ SMTP_URL: `smtp://127.0.0.1:${port}`, HOST: "127.0.0.1", ACCORD_LOG_LEVEL: "info", NODE_ENV: "development" });
    const to = uniqueEmail("refused");
    const log = await logOf(async () => {
      await sendMail({ to, subject: "Reset your Accord password", text: BODY });
      await flushMail();
    });
    expect(log).toMatch(/could not be sent: .*550/);
    expect(log).not.toContain(to);
    expect(log).not.toMatch(/[a-z0-9.-]+@[a-z0-9.-]+\.[a-z]+/i);
    expect(log).not.toContain("secret.link");
    const [row] = await getSql()<{ error: string | null; sent: Date | null }[]>`
      select last_error as error, sent_at as sent from outbox where to_address = ${to}`;
    expect(row!.sent).toBeNull();
    expect(row!.error).toMatch(/550/);
    expect(row!.error).not.toContain(to);
    expect(row!.error).not.toContain("@");
  });
});
