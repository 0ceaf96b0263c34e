import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (never a downloaded browser); .ci/run installs it with apt when missing. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Builds the console (skipped when apps/admin/dist is up to date), so the gateway serves /admin. */
export function buildConsole(): void {
  try {
    execFileSync(process.execPath, [resolve(import.meta.dirname, '../../scripts/build-admin.mjs')], {
      stdio: 'pipe',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    });
  } catch (err) {
    const failed = err as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(
      `the console did not build:\n${String(failed.stdout ?? '')}${String(failed.stderr ?? '')}`,
    );
  }
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/**
 * Runs axe-core on the page (injected through the debugging protocol, so the page's CSP stays as
 * served) and returns the serious and critical violations.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  // Check the settled page: a dialog fading in (its colours half transparent) or a menu fading out
  // behind it is not what a reader meets. CSS transitions end; looping animations (loaders) are
  // not waited for.
  // Polled with page.evaluate: waitForFunction builds its predicate with `new Function`, which the
  // console's CSP (no 'unsafe-eval') refuses and logs as a browser error.
  const until = Date.now() + 3000;
  while (
    Date.now() < until &&
    (await page.evaluate<boolean>(
      `document.getAnimations().some((a) => a instanceof CSSTransition && a.playState === 'running')`,
    ))
  ) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await page.evaluate(axeSource);
  // Page-side code is given as source: the test's own types have no DOM.
  const result = await page.evaluate<
    AxeViolation[]
  >(`axe.run(document, { resultTypes: ['violations'] }).then((run) =>
    run.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`);
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
