package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/blog-gen/blog"
)

//go:embed scaffold/config.yaml
var scaffoldConfig string

//go:embed scaffold/first-post.md
var scaffoldPost string

func cmdInit(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("init", stderr)
	theme := fset.Bool("theme", false, "also copy the built-in theme (templates/ and static/) for editing")
	title := fset.String("title", "", "the blog's title (default: from the directory name)")
	fset.Usage = func() {
		fmt.Fprint(stderr, "usage: blog init [--theme] [--title TITLE] DIR\n\nCreates a new blog in DIR, which must be empty or not exist yet.\n\nFlags:\n")
		fset.PrintDefaults()
	}
	rest, err := parseFlags(fset, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("blog init: want one directory, got %d arguments", len(rest))
	}
	dir := rest[0]
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("blog init: %s is not empty: choose a new directory", dir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if *title == "" {
		abs, _ := filepath.Abs(dir)
		*title = filepath.Base(abs)
	}
	now := time.Now()
	files := map[string]string{
		"_config.yaml": strings.Replace(scaffoldConfig, "{{TITLE}}", strings.ReplaceAll(*title, `"`, `\"`), 1),
		filepath.Join("posts", now.Format("2006-01-02")+"-hello-world.md"): strings.Replace(scaffoldPost, "{{DATE}}", now.Format("2006-01-02 15:04:05 -0700"), 1),
		".gitignore": "/_site/\n/.blog-cache/\n",
	}
	for name, content := range files {
		if err := writeNew(filepath.Join(dir, name), []byte(content)); err != nil {
			return err
		}
	}
	if *theme {
		err := fs.WalkDir(blog.Theme, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(blog.Theme, p)
			if err != nil {
				return err
			}
			return writeNew(filepath.Join(dir, filepath.FromSlash(p)), data)
		})
		if err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "created a blog in %s\n\n\tcd %s\n\tblog serve\n\n", dir, dir)
	return nil
}

// writeNew creates the file name with data, making its directory; it never
// overwrites an existing file.
func writeNew(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
