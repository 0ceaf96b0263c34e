import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentCaller, type Caller } from '@switchyard/auth';
import { API_PREFIX, type Page } from '@switchyard/core';
import { CreateRouteDto, RouteListQueryDto, RoutePageView, RouteView, UpdateRouteDto } from './route.dto.js';
import { RoutesService } from './routes.service.js';

@ApiTags('routes')
@ApiBearerAuth('bearer')
@Controller(`${API_PREFIX}/routes`)
export class RoutesController {
  constructor(private readonly routes: RoutesService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a named route: a virtual model with a strategy over targets.',
    description:
      'Callers send its name as `model`. Strategies: fallback (in order), weighted, round-robin, ' +
      'least-busy (fewest calls in flight), least-latency (lowest recent time to first token), ' +
      'lowest-cost (cheapest for the request). Every strategy fails over to the other targets. ' +
      'mix, vote and chain run several models per call like `auto` (their models in `strategy_params`).',
  })
  @ApiCreatedResponse({ type: RouteView })
  create(@CurrentCaller() caller: Caller, @Body() dto: CreateRouteDto): Promise<RouteView> {
    return this.routes.create(caller, dto);
  }

  @Get()
  @ApiOperation({ summary: "Routes you can call (platform routes and your tenant's)." })
  @ApiOkResponse({ type: RoutePageView })
  list(@CurrentCaller() caller: Caller, @Query() query: RouteListQueryDto): Promise<Page<RouteView>> {
    return this.routes.list(caller, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: RouteView })
  get(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<RouteView> {
    return this.routes.get(caller, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: "Change a route's strategy, targets or settings (its name and scope stay)." })
  @ApiOkResponse({ type: RouteView })
  update(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateRouteDto,
  ): Promise<RouteView> {
    return this.routes.update(caller, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async delete(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.routes.delete(caller, id);
  }
}
