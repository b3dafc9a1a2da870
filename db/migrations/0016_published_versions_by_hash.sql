-- Anyone can ask which published version a text is (/verify): published versions are looked up by their SHA-256.
create index published_versions_sha256_idx on published_versions (sha256);
comment on index published_versions_sha256_idx is 'Finds a published version from the SHA-256 of a text (the public verification page).';
