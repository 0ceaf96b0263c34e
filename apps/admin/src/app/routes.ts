import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Role } from '../api/auth';

export interface ScreenRoute {
  path: string;
  label: string;
  /** Who sees it in the navigation and may open it (the API refuses the rest anyway). */
  roles: Role[];
  group: 'use' | 'catalog' | 'admin';
  component: LazyExoticComponent<ComponentType>;
}

const everyone: Role[] = ['member', 'tenant_admin', 'platform_admin'];
const admins: Role[] = ['tenant_admin', 'platform_admin'];
const platform: Role[] = ['platform_admin'];

// Each screen is its own chunk: a first visit loads the shell and the overview only.
export const routes: ScreenRoute[] = [
  {
    path: '/',
    label: 'Overview',
    roles: everyone,
    group: 'use',
    component: lazy(() => import('../features/overview/overview-page')),
  },
  {
    path: '/playground',
    label: 'Playground',
    roles: everyone,
    group: 'use',
    component: lazy(() => import('../features/playground/playground-page')),
  },
  {
    path: '/api-keys',
    label: 'API keys',
    roles: everyone,
    group: 'use',
    component: lazy(() => import('../features/api-keys/api-keys-page')),
  },
  {
    path: '/provider-keys',
    label: 'Provider keys',
    roles: everyone,
    group: 'use',
    component: lazy(() => import('../features/provider-keys/provider-keys-page')),
  },
  {
    path: '/credits',
    label: 'Credits',
    roles: everyone,
    group: 'use',
    component: lazy(() => import('../features/credits/credits-page')),
  },
  {
    path: '/activity',
    label: 'Activity log',
    roles: admins,
    group: 'use',
    component: lazy(() => import('../features/activity/activity-page')),
  },
  {
    path: '/users',
    label: 'Users',
    roles: admins,
    group: 'admin',
    component: lazy(() => import('../features/users/users-page')),
  },
  {
    path: '/tenants',
    label: 'Tenants',
    roles: platform,
    group: 'admin',
    component: lazy(() => import('../features/tenants/tenants-page')),
  },
  {
    path: '/models',
    label: 'Models & prices',
    roles: everyone,
    group: 'catalog',
    component: lazy(() => import('../features/models/models-page')),
  },
  {
    path: '/routes',
    label: 'Routes',
    roles: everyone,
    group: 'catalog',
    component: lazy(() => import('../features/routes/routes-page')),
  },
  {
    path: '/providers',
    label: 'Providers',
    roles: admins,
    group: 'admin',
    component: lazy(() => import('../features/providers/providers-page')),
  },
  {
    path: '/health',
    label: 'System health',
    roles: admins,
    group: 'admin',
    component: lazy(() => import('../features/health/health-page')),
  },
];

export function routeFor(path: string): ScreenRoute | undefined {
  return routes.find((r) => r.path === path);
}
