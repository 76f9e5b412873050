/**
 * A syntax error inside one OTTL statement. `column` is 1-based within the
 * statement text. Internal to the checker; surfaced as a ConfigProblem.
 */
export class OttlSyntaxError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
    this.name = 'OttlSyntaxError';
  }
}
