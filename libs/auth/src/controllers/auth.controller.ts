import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConsumes,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { API_PREFIX } from '@switchyard/core';
import type { Caller } from '../caller.js';
import { AllowApiKey, AuthRateLimited, CurrentCaller, Public } from '../decorators.js';
import {
  AcceptInviteDto,
  ChangePasswordDto,
  LoginDto,
  LogoutDto,
  RefreshDto,
  TokenPairView,
  TokenRequestDto,
} from '../dto/auth.dto.js';
import { MeView } from '../dto/user.dto.js';
import { AuthService } from '../services/auth.service.js';
import type { TokenPair } from '../services/tokens.service.js';

@ApiTags('auth')
@Controller(`${API_PREFIX}/auth`)
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @AuthRateLimited()
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with email and password; returns an access and a refresh token.' })
  @ApiOkResponse({ type: TokenPairView })
  login(@Body() dto: LoginDto): Promise<TokenPair> {
    return this.auth.login(dto.email, dto.password);
  }

  @Post('token')
  @Public()
  @AuthRateLimited()
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiOperation({
    summary:
      "OAuth2 token endpoint (password and refresh_token grants); what Swagger UI's Authorize button calls.",
  })
  @ApiOkResponse({ type: TokenPairView })
  token(@Body() dto: TokenRequestDto): Promise<TokenPair> {
    return this.auth.token(dto);
  }

  @Post('refresh')
  @Public()
  @AuthRateLimited()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair. The old refresh token stops working.' })
  @ApiOkResponse({ type: TokenPairView })
  refresh(@Body() dto: RefreshDto): Promise<TokenPair> {
    return this.auth.refresh(dto.refresh_token);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'End this login (give its refresh token), or every session of yours (all=true).' })
  @ApiNoContentResponse()
  async logout(@CurrentCaller() caller: Caller, @Body() dto: LogoutDto): Promise<void> {
    await this.auth.logout(caller, dto.refresh_token, dto.all === true);
  }

  @Get('me')
  @AllowApiKey()
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'The calling user and tenant.' })
  @ApiOkResponse({ type: MeView })
  me(@CurrentCaller() caller: Caller): Promise<MeView> {
    return this.auth.me(caller);
  }

  @Post('password')
  @HttpCode(204)
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'Change your password. Every session (all refresh and access tokens) ends.' })
  @ApiNoContentResponse()
  async changePassword(@CurrentCaller() caller: Caller, @Body() dto: ChangePasswordDto): Promise<void> {
    await this.auth.changePassword(caller, dto);
  }

  @Post('accept-invite')
  @Public()
  @AuthRateLimited()
  @HttpCode(200)
  @ApiOperation({ summary: 'Set the password of an invited user with the one-time invite token; logs in.' })
  @ApiOkResponse({ type: TokenPairView })
  acceptInvite(@Body() dto: AcceptInviteDto): Promise<TokenPair> {
    return this.auth.acceptInvite(dto.token, dto.password);
  }
}
