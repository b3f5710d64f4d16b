alter table users add column nickname text;

---- create above / drop below ----

alter table users drop column nickname;
