CREATE INDEX networks_created ON networks (created_at);
