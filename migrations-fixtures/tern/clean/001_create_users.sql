create table users(
  id serial primary key,
  email text not null
);

---- create above / drop below ----

drop table users;
