-- Personal access tokens get scopes and an expiry (docs/security.md "Accounts, verification and access tokens"), and
-- the access that the pre-registration takeover (review H2) may have left behind is ended.

-- Tokens made before today could do everything a browser could, for ever. They keep every scope (cutting them would
-- silently break the scripts that use them; their owners see the scopes on the Account page and can replace them) but
-- now expire 90 days from the upgrade, the default for new tokens, so every old token is rotated within one term.
-- The defaults serve these rows only: a new token always names its scopes and expiry.
alter table personal_access_tokens
  add column scopes text[] not null default array['read', 'write', 'endorse', 'admin']::text[],
  add column expires_at timestamptz not null default now() + interval '90 days';
alter table personal_access_tokens
  alter column scopes drop default,
  alter column expires_at drop default,
  add constraint personal_access_tokens_scopes_known
    check (cardinality(scopes) between 1 and 4 and scopes <@ array['read', 'write', 'endorse', 'admin']::text[]),
  add constraint personal_access_tokens_expire_after_creation check (expires_at > created_at);
comment on column personal_access_tokens.scopes is 'What the token may do: read (GET API, read-only socket), write (save versions, edit live), endorse (endorse, withdraw), admin (publish, exports, account data). Browser sessions have all four.';
comment on column personal_access_tokens.expires_at is 'The token is refused from this moment (chosen at creation: 7, 30, 90 or 365 days). Expired rows stay listed as expired until revoked.';

-- Access that a squatter could have gained before the address was confirmed, or kept across a password reset or
-- change, ends now: tokens of unconfirmed accounts; tokens made before the account's last password change or before
-- its address was confirmed; sessions opened before the address was confirmed (their owners sign in once more).
delete from personal_access_tokens t
using users u
where u.id = t.user_id
  and (u.email_verified_at is null or t.created_at < u.email_verified_at or t.created_at < u.password_changed_at);
delete from sessions s
using users u
where u.id = s.user_id and s.created_at < u.email_verified_at;
