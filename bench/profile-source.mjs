// Where a V8 CPU profile frame's code comes from, for the bench's profile summaries
// (profile-summary.mjs, stream-profile.mjs).

/**
 * The npm package (`node_modules/...`), Switchyard lib or app (`dist/libs/<name>`,
 * `dist/apps/<name>`), Node module or URL of a frame's script; null for a frame without one
 * (native code, GC, idle). Node's own modules are `node core`, or with `nodeModules` each by its
 * first path part (`node:_http_server`, `node:streams`).
 */
export function sourceOf(url, { nodeModules = false } = {}) {
  if (!url) return null;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const lib = /dist\/((?:libs|apps)\/[^/]+)/.exec(url);
  if (lib) return lib[1];
  if (url.startsWith('node:'))
    return nodeModules ? url.replace(/^node:(internal\/)?/, 'node:').replace(/\/.*$/, '') : 'node core';
  return url;
}
