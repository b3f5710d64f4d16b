create type user_status as enum ('active', 'banned');
alter table users add column status user_status not null default 'active';

---- create above / drop below ----

alter table users drop column status;
