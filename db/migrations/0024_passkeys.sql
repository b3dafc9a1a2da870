-- Passkeys (WebAuthn) as a second factor beside TOTP, and the challenges of their ceremonies
-- (app/auth/passkeys.server.ts, docs/security.md "Passkeys").

create table passkeys (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  credential_id text not null unique check (char_length(credential_id) between 1 and 1400),
  public_key bytea not null check (octet_length(public_key) <= 4096),
  counter bigint not null default 0 check (counter >= 0),
  transports text[] not null default '{}',
  name text not null check (char_length(name) between 1 and 60),
  created_at timestamptz not null default now(),
  last_used_at timestamptz
);
create index passkeys_user_id_idx on passkeys (user_id);
comment on table passkeys is 'WebAuthn credentials of an account, each a second factor: the credential id (base64url) and COSE public key the authenticator gave at registration, its signature counter (a later assertion must report a higher one unless both are 0), its transports, a name the person chose, and when it was last used.';

create table webauthn_challenges (
  challenge text primary key check (char_length(challenge) between 16 and 128),
  purpose text not null check (purpose in ('register', 'authenticate')),
  user_id uuid not null references users (id) on delete cascade,
  session_id text references sessions (id) on delete cascade,
  pending_sign_in_id text references pending_sign_ins (id) on delete cascade,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  check ((purpose = 'register' and session_id is not null and pending_sign_in_id is null)
      or (purpose = 'authenticate' and pending_sign_in_id is not null and session_id is null))
);
create index webauthn_challenges_session_id_idx on webauthn_challenges (session_id);
create index webauthn_challenges_pending_sign_in_id_idx on webauthn_challenges (pending_sign_in_id);
comment on table webauthn_challenges is 'A random challenge for one WebAuthn ceremony: registering a passkey (bound to the session that asked) or signing in with one (bound to the pending sign-in). Taken once (deleted by the answer, right or wrong), two minutes at most; asking again replaces the previous one.';
