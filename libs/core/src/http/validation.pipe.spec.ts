import { describe, expect, it } from '@jest/globals';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { InvalidRequestError } from '../errors/api-error.js';
import { createValidationPipe, firstUndeclaredNull } from './validation.pipe.js';

class InnerDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  label?: string;
}

class ProbeDto {
  @ApiProperty()
  @IsString()
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  status?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsInt()
  limit?: number | null;

  @ApiPropertyOptional({ type: [InnerDto] })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => InnerDto)
  items?: InnerDto[];
}

describe('firstUndeclaredNull', () => {
  it('leaves free-form JSON (plain objects) alone', () => {
    expect(firstUndeclaredNull({ a: null, b: [null] })).toBeUndefined();
  });
});

describe('the validation pipe', () => {
  const sut = createValidationPipe();
  const body = { type: 'body' as const, metatype: ProbeDto };

  async function refusal(run: () => Promise<unknown>): Promise<InvalidRequestError> {
    try {
      await run();
    } catch (error) {
      if (error instanceof InvalidRequestError) return error;
      throw error;
    }
    throw new Error('accepted');
  }

  it('refuses text Postgres cannot compare in query strings and path parameters', async () => {
    expect(
      (await refusal(() => sut.transform({ q: 'x\uD800' }, { type: 'query', metatype: Object }))).param,
    ).toBe('q');
    expect(
      (await refusal(() => sut.transform('a\u0000b', { type: 'param', metatype: String, data: 'id' }))).param,
    ).toBe('id');
  });

  it('refuses null on an optional field unless it is declared nullable, nested DTOs too', async () => {
    const status = await refusal(() => sut.transform({ name: 'x', status: null }, body));
    expect(status.param).toBe('status');
    expect(status.message).toBe("Invalid type for 'status': expected a value, but got null.");
    expect((await refusal(() => sut.transform({ name: 'x', items: [{ label: null }] }, body))).param).toBe(
      'items[0].label',
    );
    await expect(sut.transform({ name: 'x', limit: null }, body)).resolves.toMatchObject({ limit: null });
  });
});
