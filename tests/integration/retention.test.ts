/**
 * The retention job forgets what is past its time — expired sessions, spent e-mail links, expired second-factor
 * sign-ins, quiet sign-in throttle keys, old request-limit windows, old mail bodies — keeps everything still in use,
 * changes nothing when run again, and runs on one instance at a time.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSql, getSql } from "../../db/client";
import { insertOutbox } from "../../db/outbox";
import { RETENTION_LOCK, runRetention, type RetentionReport } from "../../app/models/retention.server";
import { createUser } from "../support/factories";
import { testDatabaseUrl } from "../support/worker-database";

const id = () => randomBytes(8).toString("hex");
const hours = (n: number) => new Date(Date.now() + n * 3600_000);

/** One row of each kind past its time and one still in use; the ids of each. */
async function scene() {
  const sql = getSql();
  const user = await createUser();
  const made = { gone: {} as Record<string, string>, kept: {} as Record<string, string> };
  const session = async (expires: Date, absolute: Date) => {
    const sid = id();
    await sql`insert into sessions (id, secret_hash, user_id, expires_at, absolute_expires_at) values (${sid}, ${Buffer.alloc(32)}, ${user.id}, ${expires}, ${absolute})`;
    return sid;
  };
  made.gone.idleSession = await session(hours(-1), hours(100));
  made.gone.cappedSession = await session(hours(100), hours(-1));
  made.kept.session = await session(hours(1), hours(100));
  const link = async (expires: Date, used: Date | null) => {
    const tid = id();
    await sql`insert into email_tokens (id, secret_hash, user_id, purpose, email, expires_at, used_at)
              values (${tid}, ${Buffer.alloc(32)}, ${user.id}, 'reset_password', ${user.email}, ${expires}, ${used})`;
    return tid;
  };
  made.gone.usedLink = await link(hours(1), hours(-30));
  made.gone.expiredLink = await link(hours(-30), null);
  made.kept.recentlyUsedLink = await link(hours(1), hours(-1)); // its "already used" answer still helps for a day
  made.kept.link = await link(hours(1), null);
  const pending = async (expires: Date) => {
    const pid = id();
    await sql`insert into pending_sign_ins (id, secret_hash, user_id, expires_at) values (${pid}, ${Buffer.alloc(32)}, ${user.id}, ${expires})`;
    return pid;
  };
  made.gone.pendingSignIn = await pending(hours(-0.1));
  made.kept.pendingSignIn = await pending(hours(0.05));
  const challenge = async (expires: Date) => {
    const value = `test-challenge-${id()}`;
    await sql`insert into webauthn_challenges (challenge, purpose, user_id, pending_sign_in_id, expires_at)
              values (${value}, 'authenticate', ${user.id}, ${made.kept.pendingSignIn}, ${expires})`;
    return value;
  };
  made.gone.passkeyChallenge = await challenge(hours(-0.01));
  made.kept.passkeyChallenge = await challenge(hours(0.03));
  const throttle = async (lastFailure: Date, blockedUntil: Date) => {
    const key = `test:${id()}`;
    await sql`insert into login_throttles (key, failures, last_failure_at, blocked_until) values (${key}, 3, ${lastFailure}, ${blockedUntil})`;
    return key;
  };
  made.gone.quietKey = await throttle(hours(-30), hours(-29));
  made.kept.recentKey = await throttle(hours(-1), hours(-1));
  made.kept.stillBlockedKey = await throttle(hours(-30), hours(1));
  const window = async (start: Date) => {
    const key = `test:${id()}`;
    await sql`insert into request_limits (key, window_start, hits) values (${key}, ${start}, 4)`;
    return key;
  };
  made.gone.oldWindow = await window(hours(-72));
  made.kept.window = await window(hours(-1));
  const mail = async (sentHoursAgo: number) => {
    const mid = await insertOutbox({ to: user.email, subject: "Reset your Accord password", text: "https://accord.example/reset-password?token=a.b" });
    await sql`update outbox set created_at = ${hours(-sentHoursAgo)}, sent_at = ${hours(-sentHoursAgo)} where id = ${mid}`;
    return String(mid);
  };
  made.gone.oldMailBody = await mail(8 * 24);
  made.kept.mailBody = await mail(6 * 24);
  return made;
}

async function present(made: Awaited<ReturnType<typeof scene>>): Promise<Set<string>> {
  const sql = getSql();
  const all = { ...made.gone, ...made.kept };
  const ids = Object.values(all);
  const found = new Set<string>([
    ...(await sql<{ id: string }[]>`select id from sessions where id = any(${ids})`).map((r) => r.id),
    ...(await sql<{ id: string }[]>`select id from email_tokens where id = any(${ids})`).map((r) => r.id),
    ...(await sql<{ id: string }[]>`select id from pending_sign_ins where id = any(${ids})`).map((r) => r.id),
    ...(await sql<{ id: string }[]>`select challenge as id from webauthn_challenges where challenge = any(${ids})`).map((r) => r.id),
    ...(await sql<{ id: string }[]>`select key as id from login_throttles where key = any(${ids})`).map((r) => r.id),
    ...(await sql<{ id: string }[]>`select key as id from request_limits where key = any(${ids})`).map((r) => r.id),
    ...(await sql<{ id: string }[]>`select id::text as id from outbox where text_body <> '' and id::text = any(${ids})`).map((r) => r.id),
  ]);
  return new Set(Object.entries(all).filter(([, v]) => found.has(v)).map(([k]) => k));
}

const NOTHING: RetentionReport = { sessions: 0, emailTokens: 0, pendingSignIns: 0, passkeyChallenges: 0, signInKeys: 0, requestLimitWindows: 0, mailBodies: 0 };
const ONE_SCENE: RetentionReport = { sessions: 2, emailTokens: 2, pendingSignIns: 1, passkeyChallenges: 1, signInKeys: 1, requestLimitWindows: 1, mailBodies: 1 };

describe("the retention job", () => {
  it("forgets what is past its time, keeps what is in use, and changes nothing when run again", async () => {
    await runRetention(); // whatever earlier tests of this file's database left
    const made = await scene();
    expect(await runRetention()).toEqual(ONE_SCENE);
    expect(await present(made)).toEqual(new Set(Object.keys(made.kept)));
    expect(await runRetention()).toEqual(NOTHING);
    expect(await present(made)).toEqual(new Set(Object.keys(made.kept)));
    const [mail] = await getSql()<{ to: string; removed: Date | null }[]>`select to_address as "to", body_removed_at as removed from outbox where id = ${Number(made.gone.oldMailBody)}`;
    expect(mail!.removed).toBeInstanceOf(Date); // the row stays, only its body goes
  });

  it("leaves the work to the instance holding its lock", async () => {
    const made = await scene();
    let meanwhile: RetentionReport | null | undefined;
    await getSql().begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext(${RETENTION_LOCK}))`; // another instance, mid-run
      meanwhile = await runRetention();
    });
    expect(meanwhile).toBeNull();
    expect(await present(made)).toEqual(new Set([...Object.keys(made.gone), ...Object.keys(made.kept)]));
    expect(await runRetention()).toEqual(ONE_SCENE);
  });

  it("does the work once when two instances run it at the same moment", async () => {
    const made = await scene();
    const instances = [createSql(testDatabaseUrl, { max: 1 }), createSql(testDatabaseUrl, { max: 1 })];
    try {
      const reports = await Promise.all(instances.map((sql) => runRetention(sql)));
      const total = (key: keyof RetentionReport) => reports.reduce((n, r) => n + (r?.[key] ?? 0), 0);
      for (const key of Object.keys(ONE_SCENE) as (keyof RetentionReport)[]) expect(total(key), key).toBe(ONE_SCENE[key]);
      expect(reports.filter((r) => r === null || Object.values(r).every((n) => n === 0))).toHaveLength(1);
      expect(await present(made)).toEqual(new Set(Object.keys(made.kept)));
    } finally {
      await Promise.all(instances.map((sql) => sql.end()));
    }
  });
});
