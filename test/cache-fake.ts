import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An entry of the fake cache service: reserved, then uploaded and finalized. */
interface Entry {
  key: string;
  version: string;
  blob: string;
  finalized: boolean;
}

const SERVICE = '/twirp/github.actions.results.api.v1.CacheService/';

/**
 * A real HTTP server on 127.0.0.1 standing in for GitHub's cache service (v2, what
 * @actions/cache speaks where the runner sets ACTIONS_CACHE_SERVICE_V2): its Twirp JSON calls
 * (CreateCacheEntry, FinalizeCacheEntryUpload, GetCacheEntryDownloadURL) and the blob storage the
 * signed URLs point at (an Azure blob PUT, whole or in blocks, and a GET). A key is written once
 * per version, as the service does; a lookup matches the key exactly, then each restore key as a
 * prefix, newest first. `env` is what the runner gives a job for it; `refuse`: every call is
 * answered with that status instead.
 */
export async function fakeCacheService(options: { refuse?: number } = {}) {
  const entries: Entry[] = [];
  const blobs = new Map<string, Buffer>();
  const blocks = new Map<string, Buffer>();
  const calls: string[] = [];
  let next = 1;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', base);
      const json = (value: unknown, status = 200) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.method === 'POST' && url.pathname.startsWith(SERVICE)) {
        const method = url.pathname.slice(SERVICE.length);
        const call = JSON.parse(body.toString('utf8') || '{}') as {
          key?: string;
          version?: string;
          restoreKeys?: string[];
        };
        calls.push(`${method} ${call.key}`);
        if (options.refuse) return json({ code: 'permission_denied', msg: 'refused by the test' }, options.refuse);
        if (req.headers.authorization !== 'Bearer runtime-token')
          return json({ code: 'unauthenticated', msg: 'no' }, 401);
        if (method === 'CreateCacheEntry') {
          if (entries.some((e) => e.key === call.key && e.version === call.version))
            return json({ ok: false, message: 'cache entry already exists' });
          const blob = `blob${next++}`;
          entries.push({ key: call.key!, version: call.version!, blob, finalized: false });
          return json({ ok: true, signedUploadUrl: `${base}acct/caches/${blob}?sig=upload` });
        }
        if (method === 'FinalizeCacheEntryUpload') {
          const entry = entries.find((e) => e.key === call.key && e.version === call.version && !e.finalized);
          if (!entry || !blobs.has(entry.blob)) return json({ ok: false, message: 'nothing uploaded' });
          entry.finalized = true;
          return json({ ok: true, entryId: String(entries.indexOf(entry) + 1) });
        }
        if (method === 'GetCacheEntryDownloadURL') {
          const usable = entries.filter((e) => e.finalized && e.version === call.version).reverse();
          const entry =
            usable.find((e) => e.key === call.key) ??
            (call.restoreKeys ?? []).map((prefix) => usable.find((e) => e.key.startsWith(prefix))).find(Boolean);
          if (!entry) return json({ ok: false, signedDownloadUrl: '', matchedKey: '' });
          return json({
            ok: true,
            signedDownloadUrl: `${base}acct/caches/${entry.blob}?sig=download`,
            matchedKey: entry.key,
          });
        }
        return json({ code: 'bad_route', msg: `no method ${method}` }, 404);
      }
      const blob = /^\/acct\/caches\/(blob\d+)$/.exec(url.pathname)?.[1];
      if (!blob) return json({ msg: 'not found' }, 404);
      const headers = { etag: `"${blob}"`, 'last-modified': new Date().toUTCString(), 'x-ms-version': '2024-11-04' };
      if (req.method === 'PUT') {
        const comp = url.searchParams.get('comp');
        calls.push(`PUT ${blob}${comp ? ` ${comp}` : ''}`);
        if (comp === 'block') blocks.set(`${blob}/${url.searchParams.get('blockid')}`, body);
        else if (comp === 'blocklist') {
          const ids = [...body.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]+)</g)].map(
            (m) => m[1],
          );
          blobs.set(blob, Buffer.concat(ids.map((id) => blocks.get(`${blob}/${id}`) ?? Buffer.alloc(0))));
        } else blobs.set(blob, body);
        res.writeHead(201, headers);
        return res.end();
      }
      if (req.method === 'GET' || req.method === 'HEAD') {
        const data = blobs.get(blob);
        if (!data) return json({ msg: 'no such blob' }, 404);
        calls.push(`GET ${blob}`);
        res.writeHead(200, {
          ...headers,
          'content-length': String(data.length),
          'content-type': 'application/octet-stream',
          'x-ms-blob-type': 'BlockBlob',
        });
        return res.end(req.method === 'GET' ? data : undefined);
      }
      return json({ msg: 'method not allowed' }, 405);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    env: { ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_RESULTS_URL: base, ACTIONS_RUNTIME_TOKEN: 'runtime-token' },
    /** The keys of the entries uploaded and finalized. */
    keys: () => entries.filter((e) => e.finalized).map((e) => e.key),
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
