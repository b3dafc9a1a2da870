-- A withdrawn endorsement keeps only what its public receipt shows (kind, version, hash, evidence, times): withdrawing
-- now erases its personal fields at once, as deleting the account always did. Endorsements withdrawn before this
-- rule are erased here, so that organisers' pages and exports no longer show a withdrawn signer's name or rank.
update endorsements set
  erased_at = now(), display_name = null, role_title = null, affiliation = null, country = null, capacity = null,
  statement = null, public_fields = '{}', organisation_name = null, organisation_key = null, website = null,
  signer_role = null, moderation_reason = null
where withdrawn_at is not null and erased_at is null;

comment on column endorsements.erased_at is 'When the personal fields were erased: at withdrawal, or when the signer deleted their account (then user_id is null).';
