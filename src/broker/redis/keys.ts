/** kombu's fixed key names for in-flight messages (kombu/transport/redis.py Channel defaults). */
export const UNACKED_KEY = 'unacked';
export const UNACKED_INDEX_KEY = 'unacked_index';
export const UNACKED_MUTEX_KEY = 'unacked_mutex';
/** kombu's unacked_mutex_expire, seconds. */
export const UNACKED_MUTEX_EXPIRE_S = 300;
/**
 * celeriac's dead-letter list (kombu has none). RPUSHed JSON entries, oldest first:
 * `{"queue": "...", "reason": "...", "at": "<ISO UTC>", "message": "<raw kombu envelope>"}`.
 * To retry one: `LPUSH <queue> <message>`.
 */
export const DEAD_LETTER_KEY = 'celeriac.dead';
