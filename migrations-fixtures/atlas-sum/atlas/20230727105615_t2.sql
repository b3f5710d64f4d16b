CREATE TABLE t2 ( c1 int, c2 text );
