// Supabase migrations use what a Supabase database holds before them (auth, storage, its roles):
// without it the finding says so and points at docs/supabase.md, whose prerequisites file (read
// from the page itself) makes such migrations check as they deploy.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Report } from '../src/report/report.ts';
import { cliInProcess } from './cli-in-process.ts';
import { ROOT, sharedServer } from './helpers.ts';

const server = sharedServer();
const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The prerequisites file docs/supabase.md gives, as a user copies it. */
const page = readFileSync(join(ROOT, 'docs', 'supabase.md'), 'utf8');
const prerequisites = /```sql\n([\s\S]*?)```/.exec(page)![1]!;

/** A Supabase project's migrations, in the patterns its guides use. */
function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'mc-supabase-'));
  made.push(root);
  mkdirSync(join(root, 'supabase', 'migrations'), { recursive: true });
  writeFileSync(join(root, 'supabase', 'config.toml'), 'project_id = "shop"\n');
  writeFileSync(join(root, 'supabase', 'migrate-check-prerequisites.sql'), prerequisites);
  const write = (name: string, sql: string) => writeFileSync(join(root, 'supabase', 'migrations', name), sql);
  write(
    '20240101000000_profiles.sql',
    `create table public.profiles (
  id uuid not null references auth.users on delete cascade primary key,
  full_name text,
  avatar_url text,
  updated_at timestamptz default now()
);
alter table public.profiles enable row level security;
create policy "own profile" on public.profiles for select to authenticated using ((select auth.uid()) = id);
create policy "update own profile" on public.profiles for update using (auth.uid() = id);
grant select on public.profiles to anon, authenticated;

create function public.handle_new_user() returns trigger language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.profiles (id, full_name) values (new.id, new.raw_user_meta_data ->> 'full_name');
  return new;
end;
$$;
create trigger on_auth_user_created after insert on auth.users for each row execute procedure public.handle_new_user();
`,
  );
  write(
    '20240102000000_avatars.sql',
    `insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true);
create policy "avatar upload" on storage.objects for insert to authenticated
  with check (bucket_id = 'avatars' and (storage.foldername(name))[1] = (select auth.uid()::text));
create table public.orders (id uuid primary key default extensions.uuid_generate_v4(), user_id uuid references auth.users);
alter publication supabase_realtime add table public.orders;
`,
  );
  return root;
}

test('Supabase migrations without its objects: the finding names the cause and the page with the fix', async () => {
  const r = await cliInProcess(['supabase/migrations', '--output', 'json'], { server: server(), cwd: project() });
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  const [failing] = report.findings;
  assert.equal(failing?.check, 'sql-error');
  assert.match(failing!.message, /: schema "auth" does not exist \(SQLSTATE 3F000\)/);
  assert.match(
    failing!.help,
    /^It uses what a Supabase database holds before any migration runs \(.*\), which a plain Postgres lacks: create them in a prerequisites file, to start from the one in https:\/\/github\.com\/migrate-check\/migrate-check\/blob\/main\/docs\/supabase\.md\.$/,
  );
});

test("with docs/supabase.md's prerequisites, the same migrations check as they deploy", async () => {
  const cwd = project();
  writeFileSync(
    join(cwd, 'migrate-check.yml'),
    'directories:\n  supabase/migrations:\n    format: plain\n    prerequisites: [supabase/migrate-check-prerequisites.sql]\n',
  );
  const r = await cliInProcess(['supabase/migrations', '--output', 'json'], { server: server(), cwd });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const report = JSON.parse(r.stdout) as Report;
  assert.deepEqual(report.findings, []);
  const [dir] = report.directories;
  assert.deepEqual(
    dir!.steps.map((s) => `${s.version} ${s.direction} ${s.status}`),
    ['prerequisites up ok', '20240101000000 up ok', '20240102000000 up ok'],
  );
  assert.match(report.directories[0]!.schema.head, /table public\.profiles\n/);
});
