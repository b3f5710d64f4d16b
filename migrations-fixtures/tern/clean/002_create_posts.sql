create table posts(
  id serial primary key,
  user_id int not null references users(id)
);

---- create above / drop below ----

drop table posts;
