import type { Role } from '../caller.js';

/** The claims of a Switchyard access token. */
export interface AccessTokenClaims {
  sub: string;
  tid: string;
  role: Role;
  /** The user's session version when issued; a password change or disable bumps it. */
  ver: number;
  typ: 'access';
}
