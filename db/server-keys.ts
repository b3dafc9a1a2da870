/** SQL for server-generated secrets (see db/migrations/0008_server_keys.sql). */
import { getSql, type Queryable } from "./client";

/** The secret stored under `name`; `candidate` is stored first if there is none (the first instance to ask wins). */
export async function ensureServerKey(name: string, candidate: Buffer, sql: Queryable = getSql()): Promise<Buffer> {
  await sql`insert into server_keys (name, secret) values (${name}, ${candidate}) on conflict (name) do nothing`;
  const [row]: [{ secret: Buffer }?] = await sql`select secret from server_keys where name = ${name}`;
  if (!row) throw new Error(`server key ${name} could not be stored`);
  return Buffer.from(row.secret);
}
