import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '@switchyard/core';
import { ROLES, type Role } from '../caller.js';
import type { TenantEntity } from '../entities/tenant.entity.js';
import type { UserEntity, UserStatus } from '../entities/user.entity.js';

export class CreateUserDto {
  @ApiProperty({ example: 'ada@example.com' })
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiPropertyOptional({ example: 'Ada Lovelace' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: ROLES, default: 'member' })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({
    minLength: 12,
    description:
      'Set a password now. Without one the user is invited: the response carries a one-time invite token.',
  })
  @IsOptional()
  @IsString()
  @MinLength(12)
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({
    description: 'Platform admins only: the tenant to create the user in (default: your own).',
  })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ example: 'Ada King' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ enum: ['active', 'disabled'] })
  @IsOptional()
  @IsIn(['active', 'disabled'])
  status?: 'active' | 'disabled';
}

export class ChangeRoleDto {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;
}

export class UserListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Platform admins: only this tenant.' })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ enum: ['active', 'invited', 'disabled'] })
  @IsOptional()
  @IsIn(['active', 'invited', 'disabled'])
  status?: UserStatus;
}

export class UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty({ example: 'ada@example.com' }) email!: string;
  @ApiProperty({ example: 'Ada Lovelace' }) name!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ enum: ['active', 'invited', 'disabled'] }) status!: UserStatus;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) last_login_at!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;

  static from(u: UserEntity): UserView {
    return {
      id: u.id,
      tenant_id: u.tenantId,
      email: u.email,
      name: u.name,
      role: u.role,
      status: u.status,
      last_login_at: u.lastLoginAt?.toISOString() ?? null,
      created_at: u.createdAt.toISOString(),
    };
  }
}

export class InvitedUserView extends UserView {
  @ApiPropertyOptional({
    description:
      'Present only when the user was invited: the one-time token for POST /api/v1/auth/accept-invite. Shown once.',
  })
  invite_token?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  invite_expires_at?: string;
}

export class TenantView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Acme Corp' }) name!: string;
  @ApiProperty({ example: 'acme' }) slug!: string;
  @ApiProperty({ enum: ['active', 'disabled'] }) status!: string;
  @ApiProperty({ nullable: true, type: Number, example: 600 }) default_rpm!: number | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;

  static from(t: TenantEntity): TenantView {
    return {
      id: t.id,
      name: t.name,
      slug: t.slug,
      status: t.status,
      default_rpm: t.defaultRpm,
      created_at: t.createdAt.toISOString(),
    };
  }
}

export class MeView {
  @ApiProperty({ type: UserView }) user!: UserView;
  @ApiProperty({ type: TenantView }) tenant!: TenantView;
  @ApiProperty({ enum: ['user', 'api_key'] }) authenticated_by!: 'user' | 'api_key';
}

export class UserPageView {
  @ApiProperty({ type: [UserView] }) data!: UserView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class TenantPageView {
  @ApiProperty({ type: [TenantView] }) data!: TenantView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
