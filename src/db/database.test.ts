import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/db.js';
import type { TestDatabase } from '../../test/db.js';

describe('createDb type mapping', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('maps int8 to number, keeps numeric and date exact as strings, timestamptz to Date', async () => {
    const { rows } = await sql<{
      big: unknown;
      count: unknown;
      money: unknown;
      day: unknown;
      at: unknown;
      int4: unknown;
    }>`select 9007199254740991::int8 as big, count(*) as count, 12345678901234567890.12::numeric as money,
          '2024-02-29'::date as day, '2024-02-29T12:00:00Z'::timestamptz as at, 7::int4 as int4
       from (values (1), (2)) v(x)`.execute(database.db);
    expect(rows[0]).toEqual({
      big: 9007199254740991,
      count: 2,
      money: '12345678901234567890.12',
      day: '2024-02-29',
      at: new Date('2024-02-29T12:00:00Z'),
      int4: 7,
    });
  });

  it('refuses an int8 a number cannot hold instead of rounding it', async () => {
    await expect(sql`select 9007199254740993::int8 as n`.execute(database.db)).rejects.toThrow(
      /does not fit/,
    );
  });
});
