import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { arrayLiteral } from '@switchyard/credits';
import pg from 'pg';
import { createTestDatabase } from './support/databases.js';

/**
 * The usage records' columns go to Postgres as array literals the repository writes itself
 * (usage.repository.ts): whatever a text holds comes back as it went, on a real Postgres, for
 * every element type the insert casts to.
 */
describe('usage array literals (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  const back = async (type: string, values: Array<string | number | null>): Promise<unknown[]> =>
    (await client.query<{ v: unknown[] }>(`SELECT $1::${type}[] AS v`, [arrayLiteral(values)])).rows[0]!.v;

  it('keeps any text as it was: quotes, backslashes, separators, braces, blanks, NULL as a word, non-ASCII', async () => {
    const texts = [
      'gpt-4o',
      'we"ird',
      'back\\slash',
      '\\"both\\"',
      'a,b',
      '{braced}',
      ' padded ',
      '',
      'NULL',
      'null',
      'tab\there\nnewline',
      'modèle 模型 🚀',
      null,
    ];
    expect(await back('text', texts)).toEqual(texts);
  });

  it('casts uuids, integers, big integers and timestamps, with nulls where they were', async () => {
    const uuids = ['00000000-0000-4000-8000-000000000001', null, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'];
    expect(await back('uuid', uuids)).toEqual([uuids[0], null, uuids[2]!.toLowerCase()]);
    expect(await back('integer', [0, -7, 2_147_483_647, null])).toEqual([0, -7, 2_147_483_647, null]);
    // A cost as the repository passes it: a bigint's decimal string, beyond a double's precision.
    expect(await back('bigint', ['9007199254740993', '-1', null])).toEqual(['9007199254740993', '-1', null]);
    const at = new Date('2026-12-06T15:04:05.678Z');
    expect(await back('timestamptz', [at.toISOString(), null])).toEqual([at, null]);
  });

  it('writes an empty column as an empty array', async () => {
    expect(arrayLiteral([])).toBe('{}');
    expect(await back('text', [])).toEqual([]);
  });
});
