-- Where a session was last used, approximately, so that a person can tell their sessions apart ("Chrome on Linux"
-- twice) without Accord keeping an IP address: the browser's own time zone, and a keyed hash of the network.
alter table sessions
  add column time_zone text check (time_zone is null or char_length(time_zone) <= 64),
  add column network_key text check (network_key is null or char_length(network_key) <= 80);
comment on column sessions.time_zone is 'The IANA time zone the browser reported when the session was last used (a cookie set by the page), e.g. Europe/Stockholm; null when unknown.';
comment on column sessions.network_key is 'HMAC (ACCORD_KEY_SECRET) of the network the session was last used from: IPv4 /24, IPv6 /48. Never the address: only compared with the current request''s.';
