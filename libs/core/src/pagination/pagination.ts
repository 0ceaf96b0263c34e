import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** The largest page a list endpoint returns. */
export const PAGE_LIMIT_MAX = 200;
/**
 * The deepest `offset` a list endpoint accepts. Postgres reads and discards every skipped row, so
 * a deep page costs as much as reading all the pages before it; past this, narrow the query with
 * its filters instead. The bound also keeps the value far inside SQL's bigint.
 */
export const PAGE_OFFSET_MAX = 100_000;

/**
 * `?limit=&offset=` on every list endpoint of the management API: list query DTOs extend it,
 * so every paged endpoint has the same bounds and the same 400 (`param: limit` or `offset`).
 */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PAGE_LIMIT_MAX)
  limit = 50;

  @ApiPropertyOptional({ minimum: 0, maximum: PAGE_OFFSET_MAX, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(PAGE_OFFSET_MAX)
  offset = 0;
}

/** A page of results in the shape every list endpoint returns. */
export interface Page<T> {
  data: T[];
  total: number;
  limit: number;
  offset: number;
}

export function page<T>(data: T[], total: number, query: PageQueryDto): Page<T> {
  return { data, total, limit: query.limit, offset: query.offset };
}
