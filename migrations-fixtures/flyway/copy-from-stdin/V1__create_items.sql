CREATE TABLE items (id int PRIMARY KEY, label text, note text);
