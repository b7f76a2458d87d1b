/**
 * The connector template as the CLI ships it: the files of templates/connector (the live
 * workspace member CI builds and tests), its variants, and the versions and settings of the
 * monorepo it was taken from. template.gen.json is written from templates/connector by
 * template-bundle.test.ts, which fails when the two drift apart.
 */
export interface TemplateBundle {
  /** The template (the sdk kind): path → content. */
  readonly files: Readonly<Record<string, string>>;
  /** Overlays: `http` (an HTTP API client), `openapi` (the static part of a generated connector). */
  readonly variants: Readonly<Record<string, TemplateVariant>>;
  /** Versions of the Connector Kit packages and tools, for packages outside this monorepo. */
  readonly versions: Readonly<Record<string, string>>;
  /** The compiler options of the monorepo's tsconfig.base.json. */
  readonly compilerOptions: Readonly<Record<string, unknown>>;
  /** The monorepo's biome.json, for packages that bring their own. */
  readonly biome: Readonly<Record<string, unknown>>;
}

export interface TemplateVariant {
  readonly description: string;
  /** Template files the variant drops. */
  readonly remove: readonly string[];
  /** `src` when the variant replaces all of the template's sources. */
  readonly replaces?: string;
  readonly files: Readonly<Record<string, string>>;
}

let loaded: Promise<TemplateBundle> | undefined;

/** Loads the bundled template (once; only the commands that scaffold pay for it). */
export function loadTemplateBundle(): Promise<TemplateBundle> {
  loaded ??= import('./template.gen.json', { with: { type: 'json' } }).then(
    (module) => module.default as unknown as TemplateBundle,
  );
  return loaded;
}

/** The template's files for a kind: the base with the variant's removals and overlay applied. */
export function templateFiles(bundle: TemplateBundle, variantName?: string): Map<string, string> {
  const files = new Map(Object.entries(bundle.files));
  if (variantName === undefined) return files;
  const variant = bundle.variants[variantName];
  if (variant === undefined) throw new Error(`the template has no variant '${variantName}'`);
  for (const path of [...files.keys()]) {
    if (
      variant.remove.includes(path) ||
      (variant.replaces !== undefined && path.startsWith(`${variant.replaces}/`))
    ) {
      files.delete(path);
    }
  }
  for (const [path, content] of Object.entries(variant.files)) files.set(path, content);
  return files;
}
