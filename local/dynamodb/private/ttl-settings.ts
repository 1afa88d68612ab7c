/**
 * Which attribute each table's Time to Live reads, kept in the store's LevelDB under `_ttl~`
 * (no dynalite key starts with `_`) so a restart keeps it.
 */
import type { Level } from './dynalite.ts';

const PREFIX = '_ttl~';

export class TtlSettings {
  private constructor(
    private readonly db: Level,
    private readonly attributes: Map<string, string>,
  ) {}

  static async open(db: Level): Promise<TtlSettings> {
    const attributes = new Map<string, string>();
    for await (const [key, value] of db.iterator({ gte: PREFIX, lt: `${PREFIX}\uffff` })) {
      attributes.set(key.slice(PREFIX.length), (value as { AttributeName: string }).AttributeName);
    }
    return new TtlSettings(db, attributes);
  }

  attributeOf(table: string): string | undefined {
    return this.attributes.get(table);
  }

  tables(): [table: string, attribute: string][] {
    return [...this.attributes];
  }

  async enable(table: string, AttributeName: string): Promise<void> {
    await this.db.put(PREFIX + table, { AttributeName });
    this.attributes.set(table, AttributeName);
  }

  async disable(table: string): Promise<void> {
    if (!this.attributes.has(table)) return;
    await this.db.del(PREFIX + table);
    this.attributes.delete(table);
  }
}
