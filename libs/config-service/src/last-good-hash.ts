/**
 * SQL of a scalar giving an agent's last good config: `agent_config_state.last_applied_hash`
 * (kept on every APPLIED report), else, for state recorded before that column existed, the
 * newest hash the agent reported APPLIED. `uid` is the SQL of the agent's instance uid and
 * `state` the alias of its joined `agent_config_state` row.
 */
export function lastGoodHashSql(uid: string, state: string): string {
  return `COALESCE(${state}.last_applied_hash,
            (SELECT g.config_hash FROM agent_config_status g
              WHERE g.instance_uid = ${uid} AND g.status = 'APPLIED'
              ORDER BY g.updated_at DESC, g.config_hash LIMIT 1))`;
}
