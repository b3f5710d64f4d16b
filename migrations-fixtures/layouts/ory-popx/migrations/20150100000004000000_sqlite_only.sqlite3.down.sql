DROP INDEX networks_created;
