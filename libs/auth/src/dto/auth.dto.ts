import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'admin@switchyard.local' })
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @MaxLength(1024)
  password!: string;

  @ApiPropertyOptional({
    default: false,
    description:
      'Browsers: set the refresh token as an httpOnly, Secure, SameSite=Strict cookie scoped to ' +
      '/api/v1/auth/refresh instead of returning it (the answer then has no refresh_token).',
  })
  @IsOptional()
  @IsBoolean()
  refresh_cookie?: boolean;
}

/** The OAuth2 token request (RFC 6749 §4.3 and §6), as Swagger UI's Authorize dialog sends it. */
export class TokenRequestDto {
  @ApiProperty({ enum: ['password', 'refresh_token'], example: 'password' })
  @IsIn(['password', 'refresh_token'], { message: 'grant_type must be password or refresh_token' })
  grant_type!: 'password' | 'refresh_token';

  @ApiPropertyOptional({ example: 'admin@switchyard.local', description: 'The email (grant_type=password).' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  username?: string;

  @ApiPropertyOptional({ description: 'grant_type=password' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({ description: 'grant_type=refresh_token' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  refresh_token?: string;

  @ApiPropertyOptional({ description: 'Ignored; accepted because OAuth2 clients send it.' })
  @IsOptional()
  @IsString()
  scope?: string;

  @ApiPropertyOptional({ description: 'Ignored; accepted because OAuth2 clients send it.' })
  @IsOptional()
  @IsString()
  client_id?: string;

  @ApiPropertyOptional({ description: 'Ignored; accepted because OAuth2 clients send it.' })
  @IsOptional()
  @IsString()
  client_secret?: string;
}

export class RefreshDto {
  @ApiPropertyOptional({
    example: 'syr_2bV0...',
    description: 'The refresh token; omit it to use the refresh cookie (login with refresh_cookie).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  refresh_token?: string;
}

export class LogoutDto {
  @ApiPropertyOptional({
    description: 'End this login (its refresh-token family). Omit with all=true to end every session.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  refresh_token?: string;

  @ApiPropertyOptional({ description: 'End every session of the calling user.', default: false })
  @IsOptional()
  all?: boolean;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  current_password!: string;

  @ApiProperty({ minLength: 12, example: 'a much longer passphrase' })
  @IsString()
  @MinLength(12)
  @MaxLength(1024)
  new_password!: string;
}

export class AcceptInviteDto {
  @ApiProperty({ description: 'The one-time token from the invitation.' })
  @IsString()
  @MaxLength(200)
  token!: string;

  @ApiProperty({ minLength: 12 })
  @IsString()
  @MinLength(12)
  @MaxLength(1024)
  password!: string;
}

export class TokenPairView {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' })
  access_token!: string;

  @ApiPropertyOptional({
    example: 'syr_3Q0x...',
    description: 'Absent when the refresh token was set as a cookie instead.',
  })
  refresh_token?: string;

  @ApiProperty({ example: 'bearer' })
  token_type!: 'bearer';

  @ApiProperty({ example: 900, description: 'Seconds until the access token expires.' })
  expires_in!: number;
}
