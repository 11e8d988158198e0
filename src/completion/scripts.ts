// Shell completion scripts. Each one only passes the typed words to `xcli __complete` and shows its
// answer (src/completion/engine.ts), so the scripts are small and never drift from the program.

import type { Context } from '../context.js';

export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type Shell = (typeof SHELLS)[number];

// bash splits words at COMP_WORDBREAKS (`=`, `:`), so the words are taken from the line itself, and
// the part of the current word before bash's own word start is cut from each answer.
const BASH = `# bash completion for xcli: eval "$(xcli completion bash)"
_xcli_complete() {
  local line="\${COMP_LINE:0:COMP_POINT}" cur="\${COMP_WORDS[COMP_CWORD]}" full="" c
  local -a words
  read -ra words <<< "$line"
  if [[ -n "$line" && "$line" != *[[:space:]] ]]; then
    full="\${words[\${#words[@]}-1]}"
    unset 'words[\${#words[@]}-1]'
  fi
  [[ "$cur" =~ ^[=:]+$ ]] && cur=""
  local strip="\${full:0:\${#full}-\${#cur}}"
  COMPREPLY=()
  while IFS= read -r c; do
    c="\${c%%$'\\t'*}"
    [[ -n "$c" ]] && COMPREPLY+=("\${c#"$strip"}")
  done < <(xcli __complete --current="$full" -- "\${words[@]:1}" 2>/dev/null)
  if [[ \${#COMPREPLY[@]} -eq 1 && "\${COMPREPLY[0]}" == */ ]]; then compopt -o nospace 2>/dev/null; fi
}
complete -F _xcli_complete xcli
`;

// Native zsh: answers with descriptions through _describe; folders and path prefixes (ending in /)
// take no space after them.
const ZSH = `#compdef xcli
# zsh completion for xcli: eval "$(xcli completion zsh)" (after compinit), or save as _xcli in $fpath
_xcli() {
  local -a done_words plain open
  local line value description
  done_words=("\${(@)words[2,CURRENT-1]}")
  for line in "\${(@f)$(xcli __complete --current="\${words[CURRENT]}" -- "\${done_words[@]}" 2>/dev/null)}"; do
    [[ -z "$line" ]] && continue
    value="\${line%%$'\\t'*}"
    description="\${line#*$'\\t'}"
    [[ "$description" == "$line" ]] && description=""
    value="\${value//:/\\\\:}"
    if [[ "$value" == */ ]]; then open+=("$value\${description:+:$description}")
    else plain+=("$value\${description:+:$description}"); fi
  done
  (( \${#plain} )) && _describe -t values 'xcli' plain
  (( \${#open} )) && _describe -t values 'xcli' open -S ''
  return 0
}
compdef _xcli xcli
`;

const FISH = `# fish completion for xcli: xcli completion fish | source
function __xcli_complete
    set -l words (commandline -opc)
    xcli __complete --current=(commandline -ct) -- $words[2..-1] 2>/dev/null
end
complete -c xcli -f -a '(__xcli_complete)'
`;

const POWERSHELL = `# PowerShell completion for xcli: xcli completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName xcli -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @($commandAst.CommandElements | Select-Object -Skip 1 | Where-Object { $_.Extent.EndOffset -lt $cursorPosition } | ForEach-Object { $_.Extent.Text })
    & xcli __complete "--current=$wordToComplete" -- @words 2>$null | ForEach-Object {
        $value, $description = $_ -split "\`t", 2
        if (-not $description) { $description = $value }
        [System.Management.Automation.CompletionResult]::new($value, $value, 'ParameterValue', $description)
    }
}
`;

export function completionScript(shell: Shell): string {
  return { bash: BASH, zsh: ZSH, fish: FISH, powershell: POWERSHELL }[shell];
}

export interface CompletionOptions {
  shell: Shell;
}

/** `xcli completion SHELL`: the script on stdout (commander has checked the shell against SHELLS). */
export function runCompletion(ctx: Context, opts: CompletionOptions): void {
  ctx.io.stdout.write(completionScript(opts.shell));
}
