const AUTHORITY_WITH_USERINFO = /\/\/([^/?#\s]*)@/g;
const SECRET_QUERY_PARAM = /([?&](?:password|pass|pwd|sslpassword|token|access_token|secret|api_key|apikey)=)[^&#\s]*/gi;

/**
 * Hides credentials in a URL (or in a comma-separated list of URLs) so it can
 * be logged or shown: the password part of `user:password@` becomes `***`,
 * as do the values of query parameters named like a password or token. The
 * user name, host, path and other parameters are kept. Works on text that is
 * not a valid URL too, and returns text without credentials unchanged.
 */
export function redactUrl(url: string): string {
  return url
    .replace(AUTHORITY_WITH_USERINFO, (_match, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return colon === -1 ? `//${userinfo}@` : `//${userinfo.slice(0, colon)}:***@`;
    })
    .replace(SECRET_QUERY_PARAM, '$1***');
}
