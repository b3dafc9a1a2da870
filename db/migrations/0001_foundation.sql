-- Foundation: accounts, sessions, e-mail, throttling, workshops, memberships, invitations, documents.

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  name text not null check (char_length(name) between 1 and 120),
  password_hash text not null,
  email_verified_at timestamptz,
  is_admin boolean not null default false,
  password_changed_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint users_email_is_lowercase check (email = lower(email))
);
create unique index users_email_key on users (email);
comment on table users is 'People with an account. E-mail is stored lower-cased and is never shown in public.';

create table sessions (
  id text primary key,
  secret_hash bytea not null,
  user_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  last_used_at timestamptz not null default now(),
  expires_at timestamptz not null,
  absolute_expires_at timestamptz not null,
  user_agent text
);
create index sessions_user_id_idx on sessions (user_id);
comment on table sessions is 'Lucia-style sessions: the cookie holds "<id>.<secret>", only SHA-256(secret) is stored. expires_at slides; absolute_expires_at never moves.';

create table personal_access_tokens (
  id text primary key,
  secret_hash bytea not null,
  user_id uuid not null references users (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 80),
  created_at timestamptz not null default now(),
  last_used_at timestamptz
);
create index personal_access_tokens_user_id_idx on personal_access_tokens (user_id);
comment on table personal_access_tokens is 'API tokens "accord_pat_<id>.<secret>"; only SHA-256(secret) is stored. Deleting a row revokes the token.';

create table email_tokens (
  id text primary key,
  secret_hash bytea not null,
  user_id uuid not null references users (id) on delete cascade,
  purpose text not null check (purpose in ('verify_email', 'reset_password')),
  email text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index email_tokens_user_id_idx on email_tokens (user_id, purpose);
comment on table email_tokens is 'Single-use links sent by e-mail (verification, password reset); only SHA-256(secret) is stored.';

create table login_throttles (
  key text primary key,
  failures integer not null default 0 check (failures >= 0),
  last_failure_at timestamptz not null default now(),
  blocked_until timestamptz not null default now()
);
comment on table login_throttles is 'Failed sign-in counters per account ("account:<hash>") and per IP ("ip:<hash>"); keys are hashed so no e-mail or IP is stored here.';

create table outbox (
  id bigint generated always as identity primary key,
  to_address text not null,
  subject text not null,
  text_body text not null,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  last_error text
);
comment on table outbox is 'Every e-mail Accord sends. Without SMTP_URL the rows are the delivery (readable at /dev/outbox outside production).';

create table workshops (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  title text not null,
  starts_on date not null,
  ends_on date not null,
  venue text,
  description text not null default '',
  details jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  constraint workshops_dates_in_order check (ends_on >= starts_on)
);
comment on table workshops is 'A drafting group: its people (memberships) write its documents.';

create table memberships (
  workshop_id uuid not null references workshops (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  role text not null check (role in ('organizer', 'editor', 'commenter', 'viewer')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workshop_id, user_id)
);
create index memberships_user_id_idx on memberships (user_id);
comment on table memberships is 'Who belongs to a workshop and with which role.';

create table invitations (
  id text primary key,
  secret_hash bytea not null,
  workshop_id uuid not null references workshops (id) on delete cascade,
  role text not null check (role in ('organizer', 'editor', 'commenter', 'viewer')),
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index invitations_workshop_id_idx on invitations (workshop_id);
comment on table invitations is 'Expiring join links bound to a role; usable by any signed-in person until they expire or are revoked.';

create table documents (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references workshops (id) on delete cascade,
  slug text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  title text not null,
  kind text not null check (kind in ('declaration', 'statement', 'guidance', 'discussion_paper')),
  status text not null default 'draft' check (status in ('draft', 'published', 'archived')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workshop_id, slug)
);
comment on table documents is 'A text a workshop drafts. Its content lives in document_updates (and snapshots), never here.';

create table document_updates (
  document_id uuid not null references documents (id) on delete cascade,
  seq bigint not null check (seq > 0),
  update bytea not null,
  user_id uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  prev_hash bytea,
  hash bytea not null,
  primary key (document_id, seq)
);
comment on table document_updates is 'Append-only Yjs update log. hash = SHA-256(prev_hash || update); user_id null means the system (seed).';

create table document_snapshots (
  document_id uuid not null references documents (id) on delete cascade,
  seq bigint not null,
  state bytea not null,
  created_at timestamptz not null default now(),
  primary key (document_id, seq)
);
comment on table document_snapshots is 'Compacted Yjs state up to and including update seq; the log is kept.';

create function forbid_change() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only', tg_table_name using errcode = 'restrict_violation';
end $$;

create trigger document_updates_append_only before update or delete on document_updates
  -- Cascades from documents/users run at trigger depth 1 and are allowed; direct changes are not.
  for each row when (pg_trigger_depth() = 0)
  execute function forbid_change();

create table audit_log (
  id bigint generated always as identity primary key,
  workshop_id uuid references workshops (id) on delete cascade,
  actor_id uuid references users (id) on delete set null,
  action text not null,
  details jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index audit_log_workshop_id_idx on audit_log (workshop_id, created_at);
comment on table audit_log is 'What organisers did (role changes, removals, invitations).';
