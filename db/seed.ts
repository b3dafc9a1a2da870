/**
 * The seeding's SQL (app/models/seed.server.ts): rows that already exist are left alone, so a restart never
 * duplicates or overwrites what people have written since.
 */
import type { Queryable } from "./client";

const SEED_LOCK = 7_220_002;

/** One seeding at a time, for the transaction `tx` (concurrent starts wait, then find everything there). */
export async function lockSeeding(tx: Queryable): Promise<void> {
  await tx`select pg_advisory_xact_lock(${SEED_LOCK})`;
}

export interface SeedWorkshopRow {
  slug: string;
  title: string;
  startsOn: string;
  endsOn: string;
  venue: string | null;
  description: string;
  details: Record<string, unknown>;
}

/**
 * The workshop with this slug, inserted unless it exists; `created` says which. Seeded workshops start with the
 * organisers' second-factor rule off, like those that predate it (migration 0019).
 */
export async function ensureSeedWorkshop(w: SeedWorkshopRow, tx: Queryable): Promise<{ id: string; created: boolean }> {
  const inserted = await tx<{ id: string }[]>`
    insert into workshops (slug, title, starts_on, ends_on, venue, description, details, organisers_need_second_factor)
    values (${w.slug}, ${w.title}, ${w.startsOn}, ${w.endsOn}, ${w.venue}, ${w.description}, ${tx.json(w.details as never)}, false)
    on conflict (slug) do nothing returning id`;
  if (inserted[0]) return { id: inserted[0].id, created: true };
  const [existing]: [{ id: string }?] = await tx`select id from workshops where slug = ${w.slug}`;
  if (!existing) throw new Error(`seed: workshop ${w.slug} missing after insert`);
  return { id: existing.id, created: false };
}

/** A seeded document's id when it was created now; null when the workshop already has one with this slug. */
export async function insertSeedDocument(
  d: { workshopId: string; slug: string; title: string; kind: string; status: string },
  tx: Queryable,
): Promise<string | null> {
  const created = await tx<{ id: string }[]>`
    insert into documents (workshop_id, slug, title, kind, status)
    values (${d.workshopId}, ${d.slug}, ${d.title}, ${d.kind}, ${d.status})
    on conflict (workshop_id, slug) do nothing returning id`;
  return created[0]?.id ?? null;
}
