-- A second factor (TOTP, RFC 6238) for every account, with single-use recovery codes; sessions record that it was
-- verified; a workshop may require its organisers to use one (app/auth/second-factor*.server.ts, docs/security.md).

create table totp_credentials (
  user_id uuid primary key references users (id) on delete cascade,
  key bytea not null check (octet_length(key) = 20),
  confirmed_at timestamptz,
  last_used_step bigint,
  created_at timestamptz not null default now()
);
comment on table totp_credentials is 'One TOTP key per account (20 random bytes, SHA-1, 30 s, 6 digits). confirmed_at is null until a first code confirmed enrolment; last_used_step is the last accepted time step, so a code is never accepted twice.';

create table recovery_codes (
  user_id uuid not null references users (id) on delete cascade,
  code_hash bytea not null,
  used_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (user_id, code_hash)
);
comment on table recovery_codes is 'Ten single-use codes per account with a second factor, given once at enrolment; only SHA-256 of each (80 random bits) is stored.';

create table pending_sign_ins (
  id text primary key,
  secret_hash bytea not null,
  user_id uuid not null references users (id) on delete cascade,
  redirect_to text check (redirect_to is null or char_length(redirect_to) <= 2048),
  failures integer not null default 0 check (failures >= 0),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index pending_sign_ins_user_id_idx on pending_sign_ins (user_id);
comment on table pending_sign_ins is 'A password was right and the second factor is still to come: the browser holds "<id>.<secret>" in a cookie (only SHA-256(secret) is stored) for five minutes and five wrong codes.';

alter table sessions add column second_factor_verified_at timestamptz;
comment on column sessions.second_factor_verified_at is 'When this session proved the second factor (at sign-in or enrolment); null for a session without one.';

alter table personal_access_tokens add column second_factor boolean not null default false;
comment on column personal_access_tokens.second_factor is 'Created from a session that had verified the second factor: such a token counts as a second factor while the account keeps one.';

-- Existing workshops keep the requirement off (the column is added with default false); workshops created from now on have it on.
alter table workshops add column organisers_need_second_factor boolean not null default false;
alter table workshops alter column organisers_need_second_factor set default true;
comment on column workshops.organisers_need_second_factor is 'Publishing, moderating and exporting endorsements, and managing members need a verified second factor. On for new workshops; workshops that existed before 0019 start with it off.';
