-- Endorsing from a translated page (issue 14): the endorsement stays bound to the authoritative version's SHA-256
-- (version_sha256, as before) and also records the language the signer read and that translation's SHA-256.

alter table endorsements add column read_language text check (char_length(read_language) between 2 and 35);
alter table endorsements add column read_translation_id uuid references published_translations (id) on delete restrict;
alter table endorsements add column read_sha256 text check (read_sha256 ~ '^[0-9a-f]{64}$');
alter table endorsements add constraint endorsements_read_translation_whole check (
  (read_language is null) = (read_translation_id is null) and (read_language is null) = (read_sha256 is null));
comment on column endorsements.read_language is 'The language of the translation the signer read when endorsing (null: the authoritative text); read_sha256 is that translation''s SHA-256.';

-- The recorded translation is the one named: its hash and language, never another's.
create function endorsements_read_translation_matches() returns trigger language plpgsql as $$
begin
  if new.read_translation_id is not null and not exists (
    select 1 from published_translations t
    where t.id = new.read_translation_id and t.sha256 = new.read_sha256 and t.language = new.read_language
      and t.source_document_id = (select pv.document_id from published_versions pv where pv.id = new.published_version_id)) then
    raise exception 'the translation read does not match its hash, language or declaration' using errcode = 'check_violation';
  end if;
  return new;
end $$;

create trigger endorsements_read_translation_matches before insert or update of read_translation_id, read_sha256, read_language
  on endorsements for each row execute function endorsements_read_translation_matches();
