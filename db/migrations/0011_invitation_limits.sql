-- Invitations get a use limit (one use unless the organiser chose more), an optional addressee (invited by e-mail),
-- a record of who joined by which link, and removed members are barred from links made before their removal.

alter table invitations
  add column max_uses integer not null default 1 check (max_uses between 1 and 100),
  add column uses integer not null default 0,
  add column sent_to text check (sent_to is null or sent_to = lower(sent_to)),
  add constraint invitations_uses_within_limit check (uses between 0 and max_uses);
comment on column invitations.max_uses is 'How many people may join with this link (1 unless the organiser chose more).';
comment on column invitations.uses is 'How many people joined with it; raised in the same statement that checks max_uses, so the last use goes to one person.';
comment on column invitations.sent_to is 'The address the link was mailed to (invited by e-mail), else null. Not a binding: shown to organisers.';
comment on table invitations is 'Join links bound to a role, with an expiry and a use limit; revoked by an organiser or when their creator is removed.';

create table invitation_joins (
  id bigint generated always as identity primary key,
  invitation_id text not null references invitations (id) on delete cascade,
  user_id uuid references users (id) on delete set null,
  joined_at timestamptz not null default now()
);
create index invitation_joins_invitation_id_idx on invitation_joins (invitation_id);
comment on table invitation_joins is 'Who joined a workshop by which invitation link, and when (user_id null: the account was deleted since).';

create table membership_removals (
  workshop_id uuid not null references workshops (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  removed_at timestamptz not null default now(),
  primary key (workshop_id, user_id)
);
comment on table membership_removals is 'When a person was last removed from a workshop: invitation links created before then no longer let them in.';

-- Links made before this migration were reusable: they keep up to 100 uses (the largest choice), minus the joins
-- already recorded in the audit log, which also become their join records.
insert into invitation_joins (invitation_id, user_id, joined_at)
select i.id, u.id, a.created_at
from audit_log a
join invitations i on i.id = a.details ->> 'invitationId'
left join users u on u.id = a.actor_id
where a.action = 'member.joined_by_invitation';

update invitations i
set max_uses = 100,
    uses = least(100, (select count(*) from invitation_joins j where j.invitation_id = i.id));

-- Removals recorded so far bar those people from older links, as new removals will.
insert into membership_removals (workshop_id, user_id, removed_at)
select a.workshop_id, u.id, max(a.created_at)
from audit_log a
join users u on u.id::text = a.details ->> 'userId'
join workshops w on w.id = a.workshop_id
where a.action = 'member.removed'
group by a.workshop_id, u.id;

-- A link whose creator is no longer a member of its workshop (removed, left, or deleted their account) stops working.
update invitations i
set revoked_at = now()
where i.revoked_at is null
  and not exists (select 1 from memberships m where m.workshop_id = i.workshop_id and m.user_id = i.created_by);
