import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/db.js';
import { executePrepared } from './prepared.js';
import type { TestDatabase } from '../../test/db.js';

// One database for the file: both groups only read, or prepare on their own connection.
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

describe('createDb type mapping', () => {
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

describe('executePrepared', () => {
  it('runs a query as a named statement, prepared once per connection and reused with new values', async () => {
    await database.db.connection().execute(async (conn) => {
      const pick = (n: number) =>
        conn.selectNoFrom((eb) => [
          eb.val(n).as('n'),
          sql<string>`current_setting('server_version')`.as('v'),
        ]);
      const first = await executePrepared(conn, pick(1));
      const second = await executePrepared(conn, pick(2));
      expect(first.rows.map((r) => Number(r.n))).toEqual([1]);
      expect(second.rows.map((r) => Number(r.n))).toEqual([2]);
      const { rows } = await sql<{ name: string; statement: string }>`
        select name, statement from pg_prepared_statements where name like 'intake\\_%'`.execute(conn);
      // The same text, sent twice with different values, is one prepared statement.
      const sqlText = pick(3).compile().sql;
      expect(rows.filter((r) => r.statement === sqlText)).toHaveLength(1);
    });
  });

  it('leaves other queries unnamed: nothing else is prepared on the connection', async () => {
    await database.db.connection().execute(async (conn) => {
      await sql`select 41 + 1 as n`.execute(conn);
      const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(
        conn,
      );
      expect(rows.some((r) => r.statement.includes('41 + 1'))).toBe(false);
    });
  });

  it('fails a statement clearly, and the connection stays usable for the next one', async () => {
    await database.db.connection().execute(async (conn) => {
      const bad = conn.selectNoFrom(sql<number>`1 / ${0}::int`.as('n'));
      await expect(executePrepared(conn, bad)).rejects.toThrow(/division by zero/);
      const ok = conn.selectNoFrom(sql<number>`10 / ${2}::int`.as('n'));
      expect((await executePrepared(conn, ok)).rows).toEqual([{ n: 5 }]);
    });
  });
});
