package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/blog-gen/blog/highlight"
)

func cmdCompletion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("completion", stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: blog completion bash|zsh|fish

Prints a completion script for the shell: blog's commands, each command's
flags, style names, and directories where a command takes a site directory.

  bash: source <(blog completion bash)            # in ~/.bashrc
  zsh:  blog completion zsh > "${fpath[1]}/_blog"  # or source <(blog completion zsh) after compinit
  fish: blog completion fish > ~/.config/fish/completions/blog.fish
`)
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("blog completion: want one shell: bash, zsh or fish")
	}
	specs, err := completionSpecs(ctx)
	if err != nil {
		return err
	}
	switch rest[0] {
	case "bash":
		writeBash(stdout, specs)
	case "zsh":
		writeZsh(stdout, specs)
	case "fish":
		writeFish(stdout, specs)
	default:
		return usagef("blog completion: unknown shell %q: want bash, zsh or fish", rest[0])
	}
	return nil
}

// compSpec is what completion knows about one command, or one
// subcommand (name "hook install").
type compSpec struct {
	name, summary string
	subs          []string
	flags         []compFlag
	args          argKind
}

type compFlag struct {
	name  string // without dashes
	usage string // the first clause of the flag's usage, quotes removed
	value bool   // the flag takes a value (it is not a bool flag)
}

// dashed returns the flag as completion offers it: -v, --drafts.
func (f compFlag) dashed() string {
	if len(f.name) == 1 {
		return "-" + f.name
	}
	return "--" + f.name
}

// completionSpecs reads every command's flags from the flag set the
// command itself defines (see [commandFlags]).
func completionSpecs(ctx context.Context) ([]compSpec, error) {
	var specs []compSpec
	for _, c := range commands() {
		subs := []string{""}
		if len(c.subs) > 0 {
			specs = append(specs, compSpec{name: c.name, summary: c.summary, subs: c.subs, args: argNone})
			subs = c.subs
		}
		for _, sub := range subs {
			s := compSpec{name: strings.TrimSpace(c.name + " " + sub), summary: c.summary, args: c.args}
			if c.name != "help" {
				fs, err := commandFlags(ctx, c, sub, io.Discard)
				if err != nil {
					return nil, fmt.Errorf("completion: flags of %s: %w", s.name, err)
				}
				s.flags = flagsOf(fs)
			}
			specs = append(specs, s)
		}
	}
	return specs, nil
}

func flagsOf(fs *flag.FlagSet) []compFlag {
	var out []compFlag
	if fs == nil {
		return nil
	}
	fs.VisitAll(func(f *flag.Flag) {
		_, usage := flag.UnquoteUsage(f)
		if i := strings.IndexAny(usage, ";("); i > 0 {
			usage = usage[:i]
		}
		b, ok := f.Value.(interface{ IsBoolFlag() bool })
		out = append(out, compFlag{name: f.Name, usage: strings.TrimSpace(usage), value: !ok || !b.IsBoolFlag()})
	})
	return out
}

// words are the fixed words a command's positional argument can be.
func (s compSpec) words() []string {
	switch s.args {
	case argStyle:
		return highlight.Names()
	case argCommand:
		var names []string
		for _, c := range commands() {
			names = append(names, c.name)
		}
		return names
	case argShell:
		return []string{"bash", "fish", "zsh"}
	}
	return s.subs
}

func topLevel(specs []compSpec) []compSpec {
	return slices.DeleteFunc(slices.Clone(specs), func(s compSpec) bool { return strings.Contains(s.name, " ") })
}

// sq quotes s for sh, bash, zsh and fish alike: none of them expands
// anything between single quotes.
func sq(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func writeBash(w io.Writer, specs []compSpec) {
	var names []string
	for _, s := range topLevel(specs) {
		names = append(names, s.name)
	}
	fmt.Fprintf(w, `# bash completion for blog, written by "blog completion bash".
# Load it from ~/.bashrc with: source <(blog completion bash)
_blog() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	if ((COMP_CWORD == 1)); then
		COMPREPLY=($(compgen -W %s -- "$cur"))
		return
	fi
	local key=${COMP_WORDS[1]}
	case $key in
`, sq(strings.Join(names, " ")))
	for _, s := range specs {
		if len(s.subs) > 0 {
			fmt.Fprintf(w, "\t%s)\n\t\tif ((COMP_CWORD == 2)); then\n\t\t\tCOMPREPLY=($(compgen -W %s -- \"$cur\"))\n\t\t\treturn\n\t\tfi\n\t\tkey=\"$key ${COMP_WORDS[2]}\" ;;\n",
				sq(s.name), sq(strings.Join(s.subs, " ")))
		}
	}
	fmt.Fprint(w, "\tesac\n\tcase $key in\n")
	for _, s := range specs {
		if len(s.subs) > 0 {
			continue
		}
		fmt.Fprintf(w, "\t%s)\n", sq(s.name))
		var valued, all []string
		for _, f := range s.flags {
			all = append(all, f.dashed())
			if f.value {
				valued = append(valued, f.dashed(), "-"+f.name)
			}
		}
		if len(valued) > 0 {
			fmt.Fprintf(w, "\t\tcase $prev in\n\t\t%s)\n\t\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n\t\t\treturn ;;\n\t\tesac\n", strings.Join(valued, " | "))
		}
		if len(all) > 0 {
			fmt.Fprintf(w, "\t\tif [[ $cur == -* ]]; then\n\t\t\tCOMPREPLY=($(compgen -W %s -- \"$cur\"))\n\t\t\treturn\n\t\tfi\n", sq(strings.Join(all, " ")))
		}
		switch words := s.words(); {
		case s.args == argDir:
			fmt.Fprint(w, "\t\tCOMPREPLY=($(compgen -d -- \"$cur\")) ;;\n")
		case len(words) > 0:
			fmt.Fprintf(w, "\t\tCOMPREPLY=($(compgen -W %s -- \"$cur\")) ;;\n", sq(strings.Join(words, " ")))
		default:
			fmt.Fprint(w, "\t\tCOMPREPLY=() ;;\n")
		}
	}
	fmt.Fprint(w, "\tesac\n}\ncomplete -o filenames -F _blog blog\n")
}

// zq escapes s for a zsh _describe item, "name:description", and zb for
// the [description] of an _arguments option.
func zq(s string) string { return strings.NewReplacer(`\`, `\\`, `:`, `\:`).Replace(s) }
func zb(s string) string {
	return strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`).Replace(s)
}

func writeZsh(w io.Writer, specs []compSpec) {
	fmt.Fprint(w, `#compdef blog
# zsh completion for blog, written by "blog completion zsh".
# Save it as _blog in a directory of $fpath, or after compinit: source <(blog completion zsh)
_blog() {
	local -a cmds
	cmds=(
`)
	for _, s := range topLevel(specs) {
		fmt.Fprintf(w, "\t\t%s\n", sq(zq(s.name)+":"+zq(s.summary)))
	}
	fmt.Fprint(w, `	)
	if ((CURRENT == 2)); then
		_describe -t commands 'blog command' cmds
		return
	fi
	local key=${words[2]}
	shift words
	((CURRENT--))
	case $key in
`)
	for _, s := range specs {
		if len(s.subs) > 0 {
			fmt.Fprintf(w, "\t%s)\n\t\tif ((CURRENT == 2)); then\n\t\t\tcompadd -- %s\n\t\t\treturn\n\t\tfi\n\t\tkey=\"$key ${words[2]}\"\n\t\tshift words\n\t\t((CURRENT--)) ;;\n",
				sq(s.name), strings.Join(mapSlice(s.subs, sq), " "))
		}
	}
	fmt.Fprint(w, "\tesac\n\tcase $key in\n")
	for _, s := range specs {
		if len(s.subs) > 0 {
			continue
		}
		fmt.Fprintf(w, "\t%s)\n\t\t_arguments", sq(s.name))
		for _, f := range s.flags {
			spec := f.dashed() + "[" + zb(f.usage) + "]"
			if f.value {
				spec = f.dashed() + "=[" + zb(f.usage) + "]:" + zq(f.name) + ":_files"
			}
			fmt.Fprintf(w, " \\\n\t\t\t%s", sq(spec))
		}
		switch words := s.words(); {
		case s.args == argDir:
			fmt.Fprintf(w, " \\\n\t\t\t%s", sq("*:site directory:_files -/"))
		case len(words) > 0:
			fmt.Fprintf(w, " \\\n\t\t\t%s", sq("1:argument:("+strings.Join(words, " ")+")"))
		}
		fmt.Fprint(w, " ;;\n")
	}
	fmt.Fprint(w, "\tesac\n}\nif [ \"$funcstack[1]\" = _blog ]; then\n\t_blog \"$@\"\nelse\n\tcompdef _blog blog\nfi\n")
}

func writeFish(w io.Writer, specs []compSpec) {
	fmt.Fprint(w, `# fish completion for blog, written by "blog completion fish".
# Save it as ~/.config/fish/completions/blog.fish
function __blog_at
	# __blog_at WORD...: the command line so far is blog WORD... and then
	# only arguments of that command.
	set -l t (commandline -opc)
	test (count $t) -gt (count $argv); or return 1
	for i in (seq (count $argv))
		set -l j (math $i + 1)
		test "$t[$j]" = "$argv[$i]"; or return 1
	end
end
function __blog_needs_sub
	# __blog_needs_sub CMD: the command line is exactly blog CMD
	set -l t (commandline -opc)
	test (count $t) -eq 2; and test "$t[2]" = "$argv[1]"
end
complete -c blog -f
`)
	for _, s := range topLevel(specs) {
		fmt.Fprintf(w, "complete -c blog -n 'test (count (commandline -opc)) -eq 1' -a %s -d %s\n", sq(s.name), sq(s.summary))
	}
	for _, s := range specs {
		if len(s.subs) > 0 {
			for _, sub := range s.subs {
				fmt.Fprintf(w, "complete -c blog -n %s -a %s\n", sq("__blog_needs_sub "+s.name), sq(sub))
			}
			continue
		}
		cond := sq("__blog_at " + s.name)
		for _, f := range s.flags {
			opt := "-l " + f.name
			if len(f.name) == 1 {
				opt = "-s " + f.name
			}
			if f.value {
				opt += " -r -F"
			}
			fmt.Fprintf(w, "complete -c blog -n %s %s -d %s\n", cond, opt, sq(f.usage))
		}
		switch words := s.words(); {
		case s.args == argDir:
			fmt.Fprintf(w, "complete -c blog -n %s -a '(__fish_complete_directories)'\n", cond)
		case len(words) > 0:
			fmt.Fprintf(w, "complete -c blog -n %s -a %s\n", cond, sq(strings.Join(words, " ")))
		}
	}
}

func mapSlice(s []string, f func(string) string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = f(v)
	}
	return out
}
