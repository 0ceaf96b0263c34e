import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** A chunk of the output bundle, as much of Rollup's OutputChunk as the budget needs. */
interface ChunkInfo {
  type: 'chunk' | 'asset';
  fileName: string;
  isEntry?: boolean;
  facadeModuleId?: string | null;
  imports?: string[];
  dynamicImports?: string[];
  code?: string;
}

/**
 * The JavaScript a first visit loads: the entry chunk and everything it imports statically, plus
 * the first screen a signed-in person lands on (`firstScreen`, lazily loaded) and its static imports.
 */
export function firstVisitChunks(bundle: Record<string, ChunkInfo>, firstScreen: string): string[] {
  const seen = new Set<string>();
  const visit = (fileName: string) => {
    const chunk = bundle[fileName];
    if (!chunk || chunk.type !== 'chunk' || seen.has(fileName)) return;
    seen.add(fileName);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const chunk of Object.values(bundle)) {
    if (chunk.type === 'chunk' && chunk.isEntry) visit(chunk.fileName);
  }
  for (const chunk of Object.values(bundle)) {
    if (chunk.type === 'chunk' && chunk.facadeModuleId?.endsWith(firstScreen)) visit(chunk.fileName);
  }
  return [...seen];
}

/** Fails the build when the first visit's JavaScript is over `limitKb` kilobytes gzipped. */
export function bundleBudget(options: { limitKb: number; firstScreen: string }): Plugin {
  return {
    name: 'switchyard-bundle-budget',
    apply: 'build',
    generateBundle(_output, bundle) {
      const chunks = bundle as unknown as Record<string, ChunkInfo>;
      const files = firstVisitChunks(chunks, options.firstScreen);
      if (!files.some((f) => chunks[f]?.facadeModuleId?.endsWith(options.firstScreen))) {
        this.error(`bundle budget: no chunk for the first screen ${options.firstScreen}`);
      }
      const bytes = files.reduce((sum, f) => sum + gzipSync(chunks[f]?.code ?? '', { level: 9 }).length, 0);
      const kb = bytes / 1024;
      const line = `first visit loads ${files.length} JS files, ${kb.toFixed(1)} KB gzipped (budget ${options.limitKb} KB)`;
      if (kb > options.limitKb) this.error(`bundle budget exceeded: ${line}`);
      console.log(`console: ${line}`);
      this.emitFile({
        type: 'asset',
        fileName: 'bundle-budget.json',
        source: `${JSON.stringify({ files, gzipBytes: bytes, limitKb: options.limitKb }, null, 2)}\n`,
      });
    },
  };
}
