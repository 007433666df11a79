// The layering rule: every import of a layer's file is refused unless the layering table (eslint.config.mjs)
// allows it. Deny by default: static imports, `export … from`, `import x = require()`, `require()`, dynamic
// `import()` and `import('…')` types are all checked; a specifier that is not a string literal cannot be
// checked and is refused; a file in a `src/*` folder the table does not know is refused.
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));

/** Repository-relative path with forward slashes. */
const repoPath = (abs) => relative(ROOT, abs).split(sep).join('/');

/**
 * The layer a repository path belongs to: a key of the table, `unknown:src/x` for a folder of src/ the table
 * does not know, else the path's top folder (`media`, `templates`, `test`…), which the rule does not check.
 */
export function layerOf(path, layers) {
  const key = Object.keys(layers).filter((k) => path === k || path.startsWith(`${k}/`)).sort((a, b) => b.length - a.length)[0];
  if (key) return key;
  if (path.startsWith('src/')) return `unknown:${path.split('/').slice(0, 2).join('/')}`;
  return path.split('/')[0];
}

/** `node:fs/promises` → `fs`; undefined for a specifier that is not a Node built-in. */
function builtin(spec) {
  const name = spec.replace(/^node:/, '').split('/')[0];
  return spec.startsWith('node:') || BUILTINS.has(name) ? name : undefined;
}

/** `pattern` is a package name (exactly that specifier) or `name/*` (its subpaths too), `@scope/*` (the scope). */
function packageAllowed(spec, patterns) {
  return patterns.some((p) => (p.endsWith('/*') ? spec === p.slice(0, -2) || spec.startsWith(p.slice(0, -1)) : spec === p));
}

/** Why `spec` (imported by a file of `layer`) is refused, or undefined when the table allows it. */
function refusal(spec, file, layer, rules, layers) {
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const target = repoPath(resolve(dirname(file), spec));
    const to = layerOf(target, layers);
    if (to === layer || (rules.layers ?? []).includes(to) || (rules.files ?? []).some((f) => target === f || target.startsWith(`${f}.`))) return undefined;
    return `${layer} may not import ${target} (${to.replace(/^unknown:/, 'unknown folder ')})`;
  }
  const node = builtin(spec);
  if (node) {
    const b = rules.builtins ?? false;
    if (b === true || (typeof b === 'object' && !b.except.includes(node))) return undefined;
    return `${layer} may not use the Node built-in "${spec}"`;
  }
  if (packageAllowed(spec, rules.packages ?? [])) return undefined;
  return `${layer} may not import the package "${spec}"`;
}

/** The string a module specifier node holds, or undefined when it is computed. */
function literal(node) {
  if (node?.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
  if (node?.type === 'TSLiteralType') return literal(node.literal);
  return undefined;
}

export const layering = {
  rules: {
    imports: {
      meta: {
        type: 'problem',
        docs: { description: 'Imports between layers follow the layering table; anything not allowed is refused.' },
        schema: [{ type: 'object' }],
      },
      create(context) {
        const { layers } = context.options[0];
        const file = context.filename;
        const layer = layerOf(repoPath(file), layers);
        if (!layers[layer] && !layer.startsWith('unknown:')) return {};
        if (layer.startsWith('unknown:')) {
          return {
            Program(node) {
              context.report({ node, message: `${layer.slice(8)} is not a layer: add it to the layering table in eslint.config.mjs (and the README) with what it may import.` });
            },
          };
        }
        const rules = layers[layer];
        const check = (node, source, how) => {
          const spec = literal(source);
          if (spec === undefined) {
            context.report({ node, message: `${layer}: a ${how} whose specifier is computed cannot be checked against the layering table; import a literal path.` });
            return;
          }
          const why = refusal(spec, file, layer, rules, layers);
          if (why) context.report({ node, message: `${why}. ${rules.why}` });
        };
        return {
          ImportDeclaration: (n) => check(n, n.source, 'import'),
          ExportNamedDeclaration: (n) => { if (n.source) check(n, n.source, 'export'); },
          ExportAllDeclaration: (n) => check(n, n.source, 'export'),
          ImportExpression: (n) => check(n, n.source, 'dynamic import()'),
          TSImportEqualsDeclaration: (n) => { if (n.moduleReference.type === 'TSExternalModuleReference') check(n, n.moduleReference.expression, 'import = require()'); },
          TSImportType: (n) => check(n, n.argument, "import('…') type"),
          CallExpression: (n) => {
            if (n.callee.type === 'Identifier' && n.callee.name === 'require' && n.arguments.length === 1) check(n, n.arguments[0], 'require()');
          },
        };
      },
    },
  },
};
