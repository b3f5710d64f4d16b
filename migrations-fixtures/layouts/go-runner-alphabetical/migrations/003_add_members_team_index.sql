CREATE INDEX members_team_id_idx ON members (team_id);
