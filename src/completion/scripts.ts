// Shell completion scripts generated from the command tree, so they never drift from the real flags.
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';

export interface CompletionNode {
  name: string;
  description: string;
  flags: string[];
  children: CompletionNode[];
}

export type Shell = 'bash' | 'zsh' | 'fish';

export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish'];

function walk(node: CompletionNode, prefix: string[], visit: (path: string[], node: CompletionNode) => void): void {
  visit(prefix, node);
  for (const child of node.children) walk(child, [...prefix, child.name], visit);
}

function table(root: CompletionNode): Map<string, CompletionNode> {
  const byPath = new Map<string, CompletionNode>();
  walk(root, [], (path, node) => byPath.set(path.join(' '), node));
  return byPath;
}

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function completionScript(shell: Shell, root: CompletionNode): string {
  const nodes = table(root);
  if (shell === 'bash') return bash(nodes);
  if (shell === 'zsh') return `#compdef xcli\n# zsh completion for xcli: eval "$(xcli completion zsh)"\nautoload -U +X bashcompinit && bashcompinit\n${bash(nodes)}`;
  return fish(nodes);
}

function bash(nodes: Map<string, CompletionNode>): string {
  const cases = [...nodes.entries()]
    .map(([path, node]) => {
      const words = [...node.children.map((c) => c.name), ...node.flags].join(' ');
      return `    ${quote(path)}) words=${quote(words)} ;;`;
    })
    .join('\n');
  return `# bash completion for xcli: eval "$(xcli completion bash)"
_xcli_complete() {
  local cur path="" w i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    if [[ -n "$(_xcli_words "\${path:+$path }$w")" || "$(_xcli_known "\${path:+$path }$w")" == 1 ]]; then
      path="\${path:+$path }$w"
    fi
  done
  COMPREPLY=($(compgen -W "$(_xcli_words "$path")" -- "$cur"))
}
_xcli_known() {
  case "$1" in
${[...nodes.keys()].map((p) => `    ${quote(p)}) echo 1 ;;`).join('\n')}
  esac
}
_xcli_words() {
  local words=""
  case "$1" in
${cases}
  esac
  echo "$words"
}
complete -o default -F _xcli_complete xcli
`;
}

function fish(nodes: Map<string, CompletionNode>): string {
  const lines = ['# fish completion for xcli: xcli completion fish | source', 'complete -c xcli -f'];
  for (const [path, node] of nodes) {
    const parts = path ? path.split(' ') : [];
    const condition = parts.length === 0 ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${parts[parts.length - 1]}`;
    for (const child of node.children) {
      lines.push(`complete -c xcli -n ${quote(condition)} -a ${quote(child.name)} -d ${quote(child.description)}`);
    }
    for (const flag of node.flags) {
      const long = flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`;
      lines.push(`complete -c xcli -n ${quote(condition)} ${long}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export interface CompletionOptions {
  shell: string;
  /** The command tree to complete. */
  root: CompletionNode;
}

export function runCompletion(ctx: Context, opts: CompletionOptions): void {
  if (!SHELLS.includes(opts.shell as Shell)) throw new UsageError(`unknown shell '${opts.shell}': use ${SHELLS.join(', ')}`);
  ctx.io.stdout.write(completionScript(opts.shell as Shell, opts.root));
}
