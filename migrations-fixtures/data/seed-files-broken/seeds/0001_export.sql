-- Reads the rows from a program on the server: refused, as in a migration.
COPY customers (email, name) FROM PROGRAM 'printf "x@example.com,X\n"' WITH (FORMAT csv);
