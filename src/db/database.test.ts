import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/db.js';
import { fixedStatement, runFixed } from './prepared.js';
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

describe('prepared statements', () => {
  it('leaves other queries unnamed: nothing else is prepared on the connection', async () => {
    await database.db.connection().execute(async (conn) => {
      await sql`select 41 + 1 as n`.execute(conn);
      const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(
        conn,
      );
      expect(rows.some((r) => r.statement.includes('41 + 1'))).toBe(false);
    });
  });
});

describe('runFixed', () => {
  // The statement finds itself in pg_prepared_statements: it ran prepared, under its name.
  const self = fixedStatement(
    'select name, statement, $2::int * 2 as twice from pg_prepared_statements where name = $1',
  );

  it('sends a fixed statement by name with its values, on the pool of a database from createDb', async () => {
    // More calls at once than the pool has connections: every connection prepares it once and reuses it.
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        runFixed<{ name: string; statement: string; twice: number }>(database.db, self, [self.name, i]),
      ),
    );
    results.forEach((rows, i) =>
      expect(rows).toEqual([{ name: self.name, statement: self.text, twice: 2 * i }]),
    );
  });

  it("runs in a transaction (by name too) and sees the transaction's own writes", async () => {
    const count = fixedStatement('select count(*) as n from fixed_probe where tag = $1');
    await database.db.transaction().execute(async (trx) => {
      await sql`create temporary table fixed_probe (tag text) on commit drop`.execute(trx);
      await sql`insert into fixed_probe values ('a'), ('a'), ('b')`.execute(trx);
      expect(await runFixed<{ n: number }>(trx, count, ['a'])).toEqual([{ n: 2 }]);
      expect(await runFixed(trx, self, [self.name, 1])).toEqual([
        { name: self.name, statement: self.text, twice: 2 },
      ]);
    });
  });

  it('rejects with the database error, and the pool keeps working', async () => {
    const divide = fixedStatement('select 10 / $1::int as n');
    await expect(runFixed(database.db, divide, [0])).rejects.toThrow(/division by zero/);
    await expect(runFixed(database.db, divide, ['x'])).rejects.toThrow(/invalid input syntax/);
    expect(await runFixed(database.db, divide, [2])).toEqual([{ n: 5 }]);
  });
});
