-- The endorsement rate limit now uses the same counters as every other limit (request_limits, estimated as a
-- sliding window from two fixed windows): one row per key per window instead of one row per attempt, written for a
-- whole batch of endorsements in one statement. The per-attempt table goes; its rows were only ever an hour old.
drop table endorsement_attempts;

comment on table request_limits is
  'Hits per hashed key ("request:<hash>" for sign-up and reset, "endorse:account:<hash>", "endorse:ip:<hash>") per fixed window; app/auth/request-limits.server.ts estimates a sliding window from the current and previous windows; old windows are deleted lazily.';
