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
import {
  CreateProviderKeyDto,
  ImportProviderKeysDto,
  ImportResultView,
  ProviderKeyListQueryDto,
  ProviderKeyPageView,
  ProviderKeyTestView,
  ProviderKeyView,
  UpdateProviderKeyDto,
} from './provider-key.dto.js';
import { ProviderKeysService } from './provider-keys.service.js';

@ApiTags('provider-keys')
@ApiBearerAuth('bearer')
@Controller(`${API_PREFIX}/provider-keys`)
export class ProviderKeysController {
  constructor(private readonly keys: ProviderKeysService) {}

  @Post()
  @ApiOperation({
    summary: 'Add a provider key to the vault (encrypted; only its last four characters are shown).',
  })
  @ApiCreatedResponse({ type: ProviderKeyView })
  create(@CurrentCaller() caller: Caller, @Body() dto: CreateProviderKeyDto): Promise<ProviderKeyView> {
    return this.keys.create(caller, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Provider keys you may manage, masked, with their status.' })
  @ApiOkResponse({ type: ProviderKeyPageView })
  list(
    @CurrentCaller() caller: Caller,
    @Query() query: ProviderKeyListQueryDto,
  ): Promise<Page<ProviderKeyView>> {
    return this.keys.list(caller, query);
  }

  @Post('import')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Add many keys: a JSON array, CSV with a header row, or one key per line. Reports every line: added, ' +
      'skipped (duplicate) or rejected (and why); the keys that pass are added together.',
  })
  @ApiOkResponse({ type: ImportResultView })
  import(@CurrentCaller() caller: Caller, @Body() dto: ImportProviderKeysDto): Promise<ImportResultView> {
    return this.keys.import(caller, dto);
  }

  @Get(':id')
  @ApiOkResponse({ type: ProviderKeyView })
  get(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<ProviderKeyView> {
    return this.keys.get(caller, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename, change the base URL, disable or re-enable a key.' })
  @ApiOkResponse({ type: ProviderKeyView })
  update(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateProviderKeyDto,
  ): Promise<ProviderKeyView> {
    return this.keys.update(caller, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async delete(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.keys.delete(caller, id);
  }

  @Post(':id/select')
  @HttpCode(200)
  @ApiOperation({ summary: "Make this key its owner's first choice for its provider." })
  @ApiOkResponse({ type: ProviderKeyView })
  select(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<ProviderKeyView> {
    return this.keys.select(caller, id);
  }

  @Post(':id/unselect')
  @HttpCode(200)
  @ApiOkResponse({ type: ProviderKeyView })
  unselect(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ProviderKeyView> {
    return this.keys.unselect(caller, id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({
    summary: 'One cheap authenticated call to the provider with this key (e.g. its model list).',
  })
  @ApiOkResponse({ type: ProviderKeyTestView })
  test(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ProviderKeyTestView> {
    return this.keys.test(caller, id);
  }
}
