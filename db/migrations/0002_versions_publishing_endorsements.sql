-- Named versions, sealed published versions, declarations' public settings, endorsements.

create table document_versions (
  id uuid primary key default gen_random_uuid(),
  document_id uuid not null references documents (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 120),
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  log_seq bigint not null,
  yjs_state bytea not null,
  tiptap_json jsonb not null,
  html text not null,
  plain_text text not null
);
create index document_versions_document_id_idx on document_versions (document_id, created_at desc);
comment on table document_versions is 'Named versions of a document saved by its editors: the Yjs state at log position log_seq and its renderings.';

create table declarations (
  document_id uuid primary key references documents (id) on delete restrict,
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 80),
  endorsements_open boolean not null default true,
  organisation_policy text not null default 'list_unverified'
    check (organisation_policy in ('list_unverified', 'verified_only')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table declarations is 'A document that has been published: its public slug and endorsement settings.';

create table published_versions (
  id uuid primary key default gen_random_uuid(),
  document_id uuid not null references declarations (document_id) on delete restrict,
  number integer not null check (number > 0),
  version_id uuid not null references document_versions (id) on delete restrict,
  title text not null,
  canonical_text text not null,
  html text not null,
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  published_by uuid references users (id) on delete restrict,
  published_at timestamptz not null default now(),
  unique (document_id, number)
);
comment on table published_versions is 'Sealed versions: immutable (a trigger refuses UPDATE and DELETE). sha256 = SHA-256 of canonical_text (UTF-8).';

create function forbid_published_change() returns trigger language plpgsql as $$
begin
  raise exception 'published versions are immutable' using errcode = 'restrict_violation';
end $$;

create trigger published_versions_immutable before update or delete on published_versions
  for each row execute function forbid_published_change();
create trigger published_versions_no_truncate before truncate on published_versions
  for each statement execute function forbid_published_change();

create table endorsements (
  id uuid primary key default gen_random_uuid(),
  published_version_id uuid not null references published_versions (id) on delete restrict,
  version_sha256 text not null check (version_sha256 ~ '^[0-9a-f]{64}$'),
  user_id uuid references users (id) on delete set null,
  kind text not null check (kind in ('individual', 'organisation')),
  display_name text,
  role_title text,
  affiliation text,
  country text check (country ~ '^[A-Z]{2}$'),
  capacity text check (capacity in ('serving_officer', 'retired_officer', 'professional', 'individual')),
  statement text check (char_length(statement) <= 500),
  public_fields text[] not null default '{}',
  organisation_name text,
  organisation_key text,
  organisation_type text check (organisation_type in
    ('police_agency', 'police_association', 'public_health', 'ngo', 'academic', 'international', 'other')),
  website text,
  signer_role text,
  authorised boolean,
  evidence text not null check (evidence in ('email', 'domain', 'verified', 'unverified')),
  moderation text not null default 'visible' check (moderation in ('visible', 'pending', 'rejected', 'hidden')),
  moderation_reason text,
  consent boolean not null check (consent),
  reconfirms uuid references endorsements (id) on delete set null,
  created_at timestamptz not null default now(),
  withdrawn_at timestamptz,
  constraint endorsements_individual_fields check (
    kind <> 'individual' or (display_name is not null and country is not null and capacity is not null)),
  constraint endorsements_organisation_fields check (
    kind <> 'organisation' or (organisation_name is not null and organisation_key is not null
      and organisation_type is not null and country is not null and signer_role is not null and authorised))
);
-- One endorsement per person per published version, and one per organisation per version (withdrawn or
-- rejected ones do not block a new one).
create unique index endorsements_one_per_person on endorsements (published_version_id, user_id)
  where kind = 'individual' and withdrawn_at is null;
create unique index endorsements_one_per_organisation on endorsements (published_version_id, organisation_key)
  where kind = 'organisation' and withdrawn_at is null and moderation <> 'rejected';
create index endorsements_user_id_idx on endorsements (user_id);
comment on table endorsements is 'Endorsements of one published version, bound to its SHA-256. Only public_fields of an individual are ever shown; e-mails live in users and are never public.';

create table endorsement_attempts (
  key text not null,
  attempted_at timestamptz not null default now()
);
create index endorsement_attempts_key_idx on endorsement_attempts (key, attempted_at);
comment on table endorsement_attempts is 'Recent endorsement attempts per account and per IP (hashed keys) for rate limiting.';
