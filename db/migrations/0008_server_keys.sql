-- Secrets the server generates for itself when the operator gives none (ACCORD_KEY_SECRET): today one, the key of
-- the HMAC that turns IPs, addresses and account ids into rate-limit and throttle keys.
create table server_keys (
  name text primary key,
  secret bytea not null check (length(secret) >= 32),
  created_at timestamptz not null default now()
);
comment on table server_keys is 'Server-generated secrets, used only when the matching environment variable is not set. Never shown.';

-- Keys written so far were plain SHA-256 prefixes (an IPv4 address can be found from one by trying them all); from
-- now on they are HMACs. The old rows could never match again: counters and throttles start afresh.
delete from login_throttles;
delete from request_limits;
