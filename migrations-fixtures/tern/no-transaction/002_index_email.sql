---- tern: disable-tx ----
create index concurrently users_email on users(email);

---- create above / drop below ----

---- tern: disable-tx ----
drop index concurrently users_email;
