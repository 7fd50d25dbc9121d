package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestHelpPrintsEachCommandsUsageAndFlags(t *testing.T) {
	t.Parallel()
	for _, c := range commands() {
		subs := []string{""}
		if len(c.subs) > 0 {
			subs = c.subs
		}
		for _, sub := range subs {
			name := strings.TrimSpace(c.name + " " + sub)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				var help, stderr bytes.Buffer
				args := append([]string{"help"}, strings.Fields(name)...)
				if err := run(t.Context(), args, &help, &stderr); err != nil || stderr.Len() > 0 {
					t.Fatalf("blog %s: %v, stderr %q; want the usage on stdout", strings.Join(args, " "), err, stderr.String())
				}
				want := "usage: blog " + c.name
				if c.name == "help" {
					want = "Usage:"
				}
				if !strings.Contains(help.String(), want) {
					t.Errorf("blog help %s printed %q, want it to contain %q", name, help.String(), want)
				}
				if c.name == "help" {
					return
				}
				fs, err := commandFlags(t.Context(), c, sub, &bytes.Buffer{})
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range flagsOf(fs) {
					if !strings.Contains(help.String(), "  "+f.dashed()) {
						t.Errorf("blog help %s does not show %s:\n%s", name, f.dashed(), help.String())
					}
				}
				for _, flagArgs := range [][]string{{"--help"}, {"-h"}, {"--drafts", "-help"}} {
					var out bytes.Buffer
					args := append(strings.Fields(name), flagArgs...)
					err := run(t.Context(), args, &out, &stderr)
					if code := exitCode(err, &stderr); code != 0 {
						t.Errorf("blog %s: exit %d, want 0", strings.Join(args, " "), code)
					}
					if d := cmp.Diff(help.String(), out.String()); d != "" {
						t.Errorf("blog %s differs from blog help %s (-help +got):\n%s", strings.Join(args, " "), name, d)
					}
				}
			})
		}
	}
}

func TestHelpUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help", "nope"}, {"help", "a", "b", "c"}, {"completion"}, {"completion", "tcsh"}} {
		var stdout, stderr bytes.Buffer
		if code := exitCode(run(t.Context(), args, &stdout, &stderr), &stderr); code != 2 {
			t.Errorf("blog %s: exit %d, want 2", strings.Join(args, " "), code)
		}
	}
}

// needShell returns the path of a shell, or skips the test when it is
// not installed, unless BLOG_TEST_STRICT=1.
func needShell(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("BLOG_TEST_STRICT") == "1" {
			t.Fatalf("%s not found and BLOG_TEST_STRICT=1", name)
		}
		t.Skipf("%s not found: apt-get install -y %s to test its completion script", name, name)
	}
	return p
}

func completionScript(t *testing.T, shell string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"completion", shell}, &stdout, &stderr); err != nil {
		t.Fatalf("blog completion %s: %v\n%s", shell, err, stderr.String())
	}
	file := filepath.Join(t.TempDir(), "blog."+shell)
	if err := os.WriteFile(file, stdout.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// completionCases are command lines (the cursor at the end) and what every
// shell must offer there. dir holds a directory named mysite.
var completionCases = []struct {
	line string
	want []string
}{
	{"blog bu", []string{"build"}},
	{"blog c", []string{"clean", "completion"}},
	{"blog build --d", []string{"--drafts"}},
	{"blog build --fu", []string{"--full", "--future"}},
	{"blog deploy --w", []string{"--wait"}},
	{"blog hook ", []string{"install", "uninstall"}},
	{"blog hook install --post", []string{"--post-receive"}},
	{"blog hook uninstall --b", nil},
	{"blog styles monokai", []string{"monokai", "monokailight"}},
	{"blog completion ", []string{"bash", "fish", "zsh"}},
	{"blog help dep", []string{"deploy"}},
	{"blog build my", []string{"mysite"}},
}

// checkCompletions asks complete for what the shell offers after each
// line of completionCases, run in a directory holding mysite/.
func checkCompletions(t *testing.T, shell string, complete func(ctx context.Context, dir string, lines []string) ([][]string, error)) {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "mysite"), 0o755); err != nil {
		t.Fatal(err)
	}
	var in []string
	for _, tc := range completionCases {
		in = append(in, tc.line)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	out, err := complete(ctx, dir, in)
	if err != nil {
		t.Fatalf("%s: %v", shell, err)
	}
	for i, tc := range completionCases {
		got := out[i]
		for j := range got {
			got[j] = strings.TrimSuffix(got[j], "/")
		}
		slices.Sort(got)
		got = slices.Compact(got)
		if d := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("%s completes %q to %q, want %q", shell, tc.line, got, tc.want)
		}
	}
}

// eachLine runs complete for one line at a time.
func eachLine(complete func(ctx context.Context, dir, line string) ([]string, error)) func(context.Context, string, []string) ([][]string, error) {
	return func(ctx context.Context, dir string, lines []string) ([][]string, error) {
		var out [][]string
		for _, l := range lines {
			got, err := complete(ctx, dir, l)
			if err != nil {
				return nil, fmt.Errorf("completing %q: %w", l, err)
			}
			out = append(out, got)
		}
		return out, nil
	}
}

func lines(out []byte) []string {
	var l []string
	for s := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
		if s = strings.TrimSpace(s); s != "" {
			l = append(l, s)
		}
	}
	return l
}

func TestCompletionBash(t *testing.T) {
	t.Parallel()
	bash := needShell(t, "bash")
	script := completionScript(t, "bash")
	if out, err := exec.Command(bash, "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
	checkCompletions(t, "bash", eachLine(func(ctx context.Context, dir, line string) ([]string, error) {
		// COMP_WORDS as bash splits the line; an empty last word when the
		// line ends with a space.
		words := strings.Fields(line)
		if strings.HasSuffix(line, " ") {
			words = append(words, "")
		}
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = sq(w)
		}
		prog := fmt.Sprintf("source %s\nCOMP_WORDS=(%s)\nCOMP_CWORD=%d\n_blog\nprintf '%%s\\n' \"${COMPREPLY[@]}\"\n",
			sq(script), strings.Join(quoted, " "), len(words)-1)
		cmd := exec.CommandContext(ctx, bash, "--norc", "--noprofile", "-c", prog)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("%v\n%s", err, out)
		}
		return lines(out), nil
	}))
}

func TestCompletionFish(t *testing.T) {
	t.Parallel()
	fish := needShell(t, "fish")
	script := completionScript(t, "fish")
	if out, err := exec.Command(fish, "--no-execute", script).CombinedOutput(); err != nil {
		t.Fatalf("fish --no-execute: %v\n%s", err, out)
	}
	checkCompletions(t, "fish", eachLine(func(ctx context.Context, dir, line string) ([]string, error) {
		cmd := exec.CommandContext(ctx, fish, "--no-config", "-c", "source "+sq(script)+"; complete -C "+sq(line))
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PWD="+dir, "HOME="+dir, "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir)
		out, err := cmd.Output()
		if err != nil {
			return nil, err
		}
		var got []string
		for _, l := range lines(out) {
			got = append(got, strings.SplitN(l, "\t", 2)[0])
		}
		return got, nil
	}))
}

// zshDriver types each line of $BLOG_ZLINES and a tab into an
// interactive zsh under zpty; the wrapped compadd of zshRC appends what
// the completion system offered to out.N, N counting lines from 1. Every
// wait is bounded; sentinel files say when zsh has read its setup, when
// each tab's completion ended (the next keys are typed only then: zsh
// completes differently with keys waiting) and when the line was done.
const zshDriver = `zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z "source ${(q)BLOG_ZRC}; print ready > ${(q)BLOG_ZTMP}/ready"
for i in {1..200}; do [[ -e $BLOG_ZTMP/ready ]] && break; sleep 0.05; done
[[ -e $BLOG_ZTMP/ready ]] || { print -u2 'zsh did not start'; exit 1 }
n=0
for line in "${(@f)BLOG_ZLINES}"; do
	((n++))
	zpty -w z "BLOG_ZN=$n"
	zpty -n -w z "$line"$'\t'
	for i in {1..200}; do [[ -e $BLOG_ZTMP/tab.$n ]] && break; sleep 0.05; done
	[[ -e $BLOG_ZTMP/tab.$n ]] || { print -u2 "completing $line did not end"; exit 1 }
	zpty -w z $'\C-u print done > '${(q)BLOG_ZTMP}/done.$n
	for i in {1..200}; do [[ -e $BLOG_ZTMP/done.$n ]] && break; sleep 0.05; done
	[[ -e $BLOG_ZTMP/done.$n ]] || { print -u2 "completing $line did not finish"; exit 1 }
done
zpty -d z
exit 0
`

const zshRC = `PS1='' RPROMPT=''
autoload -Uz compinit && compinit -u -d "$BLOG_ZTMP/zcompdump"
source "$BLOG_ZSCRIPT"
blog-tab() {
	zle complete-word
	print -n >| "$BLOG_ZTMP/tab.$BLOG_ZN"
}
zle -N blog-tab
bindkey '^I' blog-tab
compadd() {
	if ((${@[(I)-[OAD]]})); then
		builtin compadd "$@"
		return
	fi
	local -a hits
	builtin compadd -O hits "$@"
	(($#hits)) && print -rl -- $hits >> "$BLOG_ZTMP/out.$BLOG_ZN"
	builtin compadd "$@"
}
`

func TestCompletionZsh(t *testing.T) {
	t.Parallel()
	zsh := needShell(t, "zsh")
	script := completionScript(t, "zsh")
	if out, err := exec.Command(zsh, "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("zsh -n: %v\n%s", err, out)
	}
	checkCompletions(t, "zsh", func(ctx context.Context, dir string, in []string) ([][]string, error) {
		tmp := t.TempDir()
		rc := filepath.Join(tmp, "rc.zsh")
		if err := os.WriteFile(rc, []byte(zshRC), 0o644); err != nil {
			return nil, err
		}
		cmd := exec.CommandContext(ctx, zsh, "-f", "-c", zshDriver)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PWD="+dir, "HOME="+tmp, "ZDOTDIR="+tmp, "BLOG_ZTMP="+tmp, "BLOG_ZRC="+rc,
			"BLOG_ZSCRIPT="+script, "BLOG_ZLINES="+strings.Join(in, "\n"))
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("%v: %s", err, out)
		}
		var all [][]string
		for i := range in {
			out, err := os.ReadFile(filepath.Join(tmp, fmt.Sprintf("out.%d", i+1)))
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
			all = append(all, lines(out))
		}
		return all, nil
	})
}
