import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConsumes,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { API_PREFIX, AppConfig, AuthenticationError } from '@switchyard/core';
import type { Request, Response } from 'express';
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
import { clearRefreshCookie, refreshCookieOf, setRefreshCookie } from './refresh-cookie.js';

/** A token pair, or, with the refresh cookie, the pair less the refresh token. */
type TokenAnswer = Omit<TokenPair, 'refresh_token'> & { refresh_token?: string };

@ApiTags('auth')
@Controller(`${API_PREFIX}/auth`)
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly config: AppConfig,
  ) {}

  /** With the cookie option, the refresh token goes into the cookie and out of the body. */
  private answer(pair: TokenPair, res: Response, cookie: boolean): TokenAnswer {
    if (!cookie) return pair;
    setRefreshCookie(res, pair.refresh_token, this.config.auth.jwt.refreshTtlSeconds);
    const { refresh_token: _inCookie, ...rest } = pair;
    return rest;
  }

  @Post('login')
  @Public()
  @AuthRateLimited()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Log in with email and password; returns an access and a refresh token (or sets the refresh cookie).',
  })
  @ApiOkResponse({ type: TokenPairView })
  async login(@Body() dto: LoginDto, @Res({ passthrough: true }) res: Response): Promise<TokenAnswer> {
    return this.answer(await this.auth.login(dto.email, dto.password), res, dto.refresh_cookie === true);
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
  @ApiOperation({
    summary:
      'Exchange a refresh token (in the body, or the refresh cookie) for a new pair. The old one stops working; ' +
      'a cookie is rotated in place.',
  })
  @ApiOkResponse({ type: TokenPairView })
  async refresh(
    @Body() dto: RefreshDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenAnswer> {
    const fromCookie = dto.refresh_token === undefined ? refreshCookieOf(req) : undefined;
    const token = dto.refresh_token ?? fromCookie;
    if (!token) {
      throw new AuthenticationError('No refresh token: give refresh_token, or sign in again.', {
        code: 'invalid_refresh_token',
        param: 'refresh_token',
      });
    }
    try {
      return this.answer(await this.auth.refresh(token), res, fromCookie !== undefined);
    } catch (err) {
      if (fromCookie !== undefined) clearRefreshCookie(res);
      throw err;
    }
  }

  @Delete('refresh')
  @Public()
  @AuthRateLimited()
  @HttpCode(204)
  @ApiOperation({
    summary: "End the login held by the refresh cookie (the console's sign-out) and clear the cookie.",
  })
  @ApiNoContentResponse()
  async endCookieSession(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const token = refreshCookieOf(req);
    if (token) await this.auth.revokeRefreshToken(token);
    clearRefreshCookie(res);
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
  @AuthRateLimited()
  @HttpCode(204)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Change your password. Every session (all refresh and access tokens) ends.',
    description:
      'A wrong `current_password` is a 400 with `param: current_password` (code `invalid_password`); a new password shorter than 12 characters, or equal to the current one, a 400 with `param: new_password`. Sign in again with the new password afterwards.',
  })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ description: 'Wrong current password, or a weak or unchanged new one.' })
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
