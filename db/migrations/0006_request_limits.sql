-- Fixed-window counters for rate limits on unauthenticated requests that send e-mail or spend a password hash.
create table request_limits (
  key text not null,
  window_start timestamptz not null,
  hits integer not null default 0 check (hits >= 0),
  primary key (key, window_start)
);
comment on table request_limits is 'Hits per hashed key ("signup:ip:<hash>", "reset:email:<hash>", …) per fixed window; old windows are deleted lazily.';
