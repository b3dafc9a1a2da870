-- Endorsements: erasing a signer's personal fields when they delete their account, and the database (not only
-- the code) keeping an endorsement bound to what was signed.

-- When a signer deletes their account, their endorsements are withdrawn and every personal field is erased; the
-- row keeps only what the public receipt shows (kind, version, hash, evidence, times). erased_at says when.
alter table endorsements add column erased_at timestamptz;

alter table endorsements drop constraint endorsements_individual_fields;
alter table endorsements add constraint endorsements_individual_fields check (
  kind <> 'individual' or erased_at is not null
  or (display_name is not null and country is not null and capacity is not null));

alter table endorsements drop constraint endorsements_organisation_fields;
alter table endorsements add constraint endorsements_organisation_fields check (
  kind <> 'organisation' or erased_at is not null
  or (organisation_name is not null and organisation_key is not null and organisation_type is not null
      and country is not null and signer_role is not null and authorised));

alter table endorsements add constraint endorsements_erased_only_when_withdrawn check (
  erased_at is null or withdrawn_at is not null);

alter table endorsements add constraint endorsements_erased_is_empty check (
  erased_at is null or (display_name is null and role_title is null and affiliation is null and country is null
    and capacity is null and statement is null and organisation_name is null and organisation_key is null
    and website is null and signer_role is null and moderation_reason is null and public_fields = '{}'));

-- Individuals' evidence is their confirmed e-mail; organisations' is the domain, the organisers, or nothing.
alter table endorsements add constraint endorsements_evidence_fits_kind check (
  (kind = 'individual') = (evidence = 'email'));

create index endorsements_published_version_idx on endorsements (published_version_id, created_at);

-- What was signed never changes: the version, its hash, the kind and the time are fixed at insert, the hash must
-- be the published version's, a withdrawal cannot be undone, and the signer can only be detached (account
-- deletion), never swapped.
create function endorsements_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    if new.version_sha256 is distinct from (select sha256 from published_versions where id = new.published_version_id) then
      raise exception 'an endorsement must carry the SHA-256 of the version it endorses' using errcode = 'check_violation';
    end if;
    return new;
  end if;
  if new.published_version_id <> old.published_version_id or new.version_sha256 <> old.version_sha256
     or new.kind <> old.kind or new.created_at <> old.created_at then
    raise exception 'an endorsement stays bound to the version it endorses' using errcode = 'restrict_violation';
  end if;
  if old.withdrawn_at is not null and new.withdrawn_at is distinct from old.withdrawn_at then
    raise exception 'a withdrawal cannot be undone' using errcode = 'restrict_violation';
  end if;
  if new.user_id is distinct from old.user_id and new.user_id is not null then
    raise exception 'an endorsement cannot change hands' using errcode = 'restrict_violation';
  end if;
  return new;
end $$;

create trigger endorsements_guard before insert or update on endorsements
  for each row execute function endorsements_guard();

comment on column endorsements.erased_at is 'Set when the signer deleted their account: the endorsement is withdrawn and its personal fields are null.';
