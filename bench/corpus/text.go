package corpus

import (
	"fmt"
	"strings"
)

func genBody(r *rng) string {
	var b strings.Builder
	target := r.between(600, 1500)
	nCode := r.between(1, 3)
	wantTable := r.chance(35)
	longLine := -1 // index of the code block that gets a very long line
	if r.chance(30) {
		longLine = r.intn(nCode)
	}
	words, codes := 0, 0
	for k := r.between(1, 2); k > 0; k-- {
		s, w := paragraph(r)
		b.WriteString(s)
		words += w
	}
	for words < target || codes < nCode {
		b.WriteString(heading(r, 2))
		for k := r.between(1, 3); k > 0; k-- {
			s, w := paragraph(r)
			b.WriteString(s)
			words += w
		}
		if r.chance(40) {
			s, w := list(r)
			b.WriteString(s)
			words += w
		}
		if r.chance(25) {
			b.WriteString(heading(r, 3))
			s, w := paragraph(r)
			b.WriteString(s)
			words += w
		}
		if r.chance(10) {
			s, _ := richSentence(r)
			b.WriteString("> " + s + "\n\n")
		}
		if wantTable && r.chance(50) {
			s, w := table(r)
			b.WriteString(s)
			words += w
			wantTable = false
		}
		// place code blocks spread over the post
		if codes < nCode && (r.chance(50) || words >= target) {
			lang := r.pick(langs)
			fmt.Fprintf(&b, "```%s\n%s```\n\n", lang, code(r, lang, codes == longLine))
			codes++
			s, w := paragraph(r)
			b.WriteString(s)
			words += w
		}
	}
	return b.String()
}

// ---------------------------------------------------------------- code

// Snippets never contain "{{" or "{%" so that Liquid (Jekyll) and Hugo
// shortcode parsing leave them alone.

func ident(r *rng) string { return r.pick(identWords) }
func camel(r *rng) string { return capitalize(ident(r)) + capitalize(ident(r)) }

var identWords = strings.Fields(`server client request response cache buffer
queue stream packet socket worker pool batch retry timeout record field handler
router page post feed tag index query table row column schema session token
header payload metric span trace shard replica snapshot entry item key value
count total limit offset cursor state config store reader writer`)

func longWords(r *rng, n int, sep, quote string) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = quote + ident(r) + "_" + ident(r) + quote
	}
	return strings.Join(ws, sep)
}

func code(r *rng, lang string, long bool) string {
	var b strings.Builder
	reps := r.between(1, 4)
	switch lang {
	case "go":
		name, recv := camel(r), ident(r)[:1]
		fmt.Fprintf(&b, "package %s\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n)\n\n", ident(r))
		fmt.Fprintf(&b, "// %s %s\ntype %s struct {\n", name, strings.Join(r.words(8), " "), name)
		for i := 0; i < reps+1; i++ {
			fmt.Fprintf(&b, "\t%s %s\n", camel(r), r.pick([]string{"string", "int", "[]byte", "time.Duration", "map[string]int", "*sync.Mutex"}))
		}
		b.WriteString("}\n\n")
		if long {
			fmt.Fprintf(&b, "var %sNames = []string{%s}\n\n", ident(r), longWords(r, r.between(40, 80), ", ", "\""))
		}
		for i := 0; i < reps; i++ {
			m, arg := camel(r), ident(r)+"s"
			fmt.Fprintf(&b, "func (%s *%s) %s(%s []string) (int, error) {\n\ttotal := 0\n", recv, name, m, arg)
			fmt.Fprintf(&b, "\tfor i, v := range %s {\n\t\tif strings.HasPrefix(v, %q) {\n\t\t\ttotal += i * %d\n\t\t\tcontinue\n\t\t}\n", arg, ident(r), r.between(2, 99))
			fmt.Fprintf(&b, "\t\tif v == \"\" {\n\t\t\treturn 0, fmt.Errorf(\"%s %s: empty value at %%d\", i)\n\t\t}\n\t}\n\treturn total, nil\n}\n\n", ident(r), ident(r))
		}
	case "python":
		name := camel(r)
		fmt.Fprintf(&b, "import json\nfrom dataclasses import dataclass\n\n\n@dataclass\nclass %s:\n", name)
		f1, f2 := ident(r), ident(r)+"_count"
		fmt.Fprintf(&b, "    %s: str\n    %s: int = %d\n\n\n", f1, f2, r.intn(100))
		if long {
			fmt.Fprintf(&b, "%s_NAMES = [%s]\n\n\n", strings.ToUpper(ident(r)), longWords(r, r.between(40, 80), ", ", "'"))
		}
		for i := 0; i < reps; i++ {
			fn, arg := ident(r)+"_"+ident(r), ident(r)+"s"
			fmt.Fprintf(&b, "def %s(%s, limit=%d):\n    \"\"\"%s\"\"\"\n    result = {}\n", fn, arg, r.between(5, 500), sentence(r, 5, 12))
			fmt.Fprintf(&b, "    for idx, item in enumerate(%s):\n        if idx >= limit:\n            break\n        result[item.%s] = item.%s * idx\n    return json.dumps(result, indent=2)\n\n\n", arg, f1, f2)
		}
	case "javascript":
		fmt.Fprintf(&b, "const %s = require('%s');\n\n", ident(r), ident(r))
		if long {
			fmt.Fprintf(&b, "const %sNames = [%s];\n\n", ident(r), longWords(r, r.between(40, 80), ", ", "'"))
		}
		for i := 0; i < reps; i++ {
			fn, f, f2 := ident(r)+capitalize(ident(r)), ident(r), ident(r)
			fmt.Fprintf(&b, "async function %s(url, options = {}) {\n  const res = await fetch(url, { method: 'GET', ...options });\n", fn)
			fmt.Fprintf(&b, "  if (!res.ok) {\n    throw new Error(`%s failed: ${res.status}`);\n  }\n  const data = await res.json();\n", ident(r))
			fmt.Fprintf(&b, "  return data.items.filter((x) => x.%s > %d).map((x) => x.%s);\n}\n\n", f, r.intn(1000), f2)
		}
	case "bash":
		v := strings.ToUpper(ident(r))
		fmt.Fprintf(&b, "#!/usr/bin/env bash\nset -euo pipefail\n\n%s=\"${1:-%s}\"\n", v, ident(r))
		if long {
			fmt.Fprintf(&b, "echo \"%s\" | tr ' ' '\\n' | sort -u > /tmp/%s.txt\n", longWords(r, r.between(40, 80), " ", ""), ident(r))
		}
		for i := 0; i < reps; i++ {
			fmt.Fprintf(&b, "for f in ./%s/*.log; do\n  grep -c \"%s\" \"$f\" | awk '{print $1}'\ndone\n", ident(r), ident(r))
			fmt.Fprintf(&b, "curl -fsS \"https://example.com/%s?limit=%d\" | jq '.items[] | .%s'\n", ident(r), r.between(1, 100), ident(r))
		}
	case "sql":
		t, t2, c1, c2 := ident(r)+"s", ident(r)+"s", ident(r), ident(r)+"_id"
		fmt.Fprintf(&b, "CREATE TABLE %s (\n  id BIGSERIAL PRIMARY KEY,\n  %s TEXT NOT NULL,\n  %s BIGINT REFERENCES %s(id),\n", t, c1, c2, t2)
		for i := 0; i < reps; i++ {
			fmt.Fprintf(&b, "  %s_%s INTEGER DEFAULT %d,\n", ident(r), ident(r), r.intn(100))
		}
		b.WriteString("  created_at TIMESTAMPTZ NOT NULL DEFAULT now()\n);\n\n")
		if long {
			fmt.Fprintf(&b, "SELECT %s FROM %s;\n\n", longWords(r, r.between(40, 80), ", ", ""), t)
		}
		fmt.Fprintf(&b, "SELECT t.%s, count(*) AS n\nFROM %s t\nJOIN %s u ON u.id = t.%s\nWHERE t.created_at > now() - interval '%d days'\nGROUP BY t.%s\nORDER BY n DESC\nLIMIT %d;\n", c1, t, t2, c2, r.between(1, 90), c1, r.between(5, 100))
	case "yaml":
		fmt.Fprintf(&b, "%s:\n  name: %s-%s\n  replicas: %d\n", ident(r), ident(r), ident(r), r.between(1, 9))
		if long {
			fmt.Fprintf(&b, "  description: \"%s\"\n", strings.Join(r.words(r.between(60, 120)), " "))
		}
		b.WriteString("  env:\n")
		for i := 0; i < reps+1; i++ {
			fmt.Fprintf(&b, "    - name: %s_%s\n      value: \"%s\"\n", strings.ToUpper(ident(r)), strings.ToUpper(ident(r)), ident(r))
		}
		fmt.Fprintf(&b, "  ports:\n    - containerPort: %d\n      protocol: TCP\n", r.between(1024, 65000))
	}
	return b.String()
}
