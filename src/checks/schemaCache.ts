/**
 * @internal Schemas made once per key and kept: zod compiles a schema the first time it parses
 * with it, which costs about a millisecond, so a schema that depends on a part's settings (an
 * optimizer's hyper-parameters, a scaler's dimensions) is made once for those settings, not at
 * every restore. At most `limit` kinds are kept (the oldest made is dropped first).
 *
 * @example
 * ```ts
 * const schemas = new SchemaCache<z.ZodType>();
 * const schema = schemas.get(`${dimensions}`, () => z.array(z.number()).length(dimensions));
 * ```
 */
export class SchemaCache<S> {
  private readonly made = new Map<string, S>();

  constructor(private readonly limit = 256) {}

  /** The schema kept under `key`, made with `make` the first time. */
  get(key: string, make: () => S): S {
    let schema = this.made.get(key);
    if (schema === undefined) {
      if (this.made.size >= this.limit) {
        const oldest = this.made.keys().next().value as string;
        this.made.delete(oldest);
      }
      schema = make();
      this.made.set(key, schema);
    }
    return schema;
  }
}
