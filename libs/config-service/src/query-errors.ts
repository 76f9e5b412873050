import { ShepherdError } from '@shepherd/errors';

/** A read query (versions, history, diff, summary, audit) with an invalid field, named in the message. */
export class InvalidConfigQueryError extends ShepherdError {
  readonly code = 'CONFIG_INVALID_QUERY';
  readonly kind = 'invalid_argument' as const;
}

/** No config version with this hash exists in the caller's tenant. */
export class ConfigVersionNotFoundError extends ShepherdError {
  readonly code = 'CONFIG_VERSION_NOT_FOUND';
  readonly kind = 'not_found' as const;

  constructor(readonly hash: string) {
    super(`config version ${hash} not found`);
  }
}
