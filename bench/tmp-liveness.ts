import { connectPostgres } from '@shepherd/store';
import { createMemoryOwnership } from '@shepherd/ownership';
import { testEngines, uniqueName } from '@shepherd/testing';
import { seedFleet } from './support/seed-fleet.js';

const N = 100000;
const FLUSH_SQL = `UPDATE agents AS a
   SET last_seen_at = v.at, sequence_num = v.seq, health = COALESCE(v.health, a.health)
  FROM unnest($1::uuid[], $2::timestamptz[], $3::int8[], $4::jsonb[]) AS v(uid, at, seq, health)
 WHERE a.instance_uid = v.uid AND (a.last_seen_at IS NULL OR a.last_seen_at < v.at)`;
for (const fill of [100, 70]) {
  const schema = uniqueName('lv');
  const store = await connectPostgres({ url: testEngines.databaseUrl, schema });
  await store.migrate();
  try {
    if (fill !== 100) await store.query(`ALTER TABLE agents SET (fillfactor = ${fill})`);
    const fleet = await seedFleet(store, createMemoryOwnership(), { agents: N, gateways: 2, progress: () => undefined });
    const eff = { configMap: { 'collector.yaml': { body: 'x'.repeat(900), contentType: 'text/yaml' } } };
    await store.query(`UPDATE agents SET effective_config = $1::jsonb, health = '{"healthy":true,"status":"StatusOK"}'::jsonb`, [eff]);
    await store.query('VACUUM ANALYZE agents');
    const times: number[] = [];
    let at = Date.now();
    for (let round = 0; round < 12; round++) {
      at += 30_000;
      const uids = fleet.uids.slice((round * 5000) % N, (round * 5000) % N + 5000);
      const t = performance.now();
      await store.query(FLUSH_SQL, [uids, uids.map(() => new Date(at)), uids.map(() => BigInt(round + 2)), uids.map(() => null)]);
      times.push(performance.now() - t);
    }
    const st = await store.query<{ upd: string; hot: string }>(`SELECT n_tup_upd AS upd, n_tup_hot_upd AS hot FROM pg_stat_user_tables WHERE relname='agents' AND schemaname=$1`, [schema]);
    console.log(`fillfactor ${fill}: 5000-row flush ms`, times.map((x) => x.toFixed(0)).join(' '), 'stats', st.rows[0]);
  } finally {
    await store.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await store.close();
  }
}
