import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `?limit=&offset=` on every list endpoint of the management API. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
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
