// The names each package entry exports, values and types alike, read from its TypeScript source
// with the compiler's own view of the module (so a re-export, `export type` and `export *` all
// count as the compiler counts them).
import ts from 'typescript';

/** The package's entries: the name a user imports, and its source file. */
export const ENTRIES = [
  { entry: 'streamprop', source: 'src/index.ts' },
  { entry: 'streamprop/streams', source: 'streams/index.ts' },
  { entry: 'streamprop/serve', source: 'src/serve/index.ts' },
  { entry: 'streamprop/fleet', source: 'src/fleet/index.ts' },
] as const;

/** What {@link exportedNames} reads of each entry. */
export interface EntryExports {
  /** Each exported name, sorted, as a `value name` or `type name` line. */
  readonly lines: string[];
  /** The exported names whose declaration's TSDoc says `@internal`. */
  readonly internal: string[];
}

/** Each entry's exports, by entry. */
export function exportedNames(): Map<string, EntryExports> {
  const program = ts.createProgram(
    ENTRIES.map((e) => e.source),
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noEmit: true,
    },
  );
  const checker = program.getTypeChecker();
  const result = new Map<string, EntryExports>();
  for (const { entry, source } of ENTRIES) {
    const file = program.getSourceFile(source);
    if (file === undefined) throw new Error(`${source} is missing`);
    const moduleSymbol = checker.getSymbolAtLocation(file);
    if (moduleSymbol === undefined) throw new Error(`${source} is not a module`);
    const internal: string[] = [];
    const lines = checker.getExportsOfModule(moduleSymbol).map((symbol) => {
      const target =
        symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const isValue = (target.flags & ts.SymbolFlags.Value) !== 0;
      const tags = (target.declarations ?? []).flatMap((d) => ts.getJSDocTags(d));
      if (tags.some((tag) => tag.tagName.text === 'internal')) internal.push(symbol.getName());
      return `${isValue ? 'value' : 'type'} ${symbol.getName()}`;
    });
    lines.sort((a, b) => (a.split(' ')[1] < b.split(' ')[1] ? -1 : 1));
    result.set(entry, { lines, internal });
  }
  return result;
}
