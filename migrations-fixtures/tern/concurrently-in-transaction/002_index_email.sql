create index concurrently users_email on users(email);

---- create above / drop below ----

drop index users_email;
