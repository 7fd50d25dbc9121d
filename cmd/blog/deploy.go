package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/deploy"
)

func cmdDeploy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("deploy", stderr)
	var f siteFlags
	f.register(fs, false)
	list := fs.Bool("list", false, "list the releases with their commit and time; * marks the live one")
	rollback := fs.Bool("rollback", false, "switch back to the previous release, or to the RELEASE given")
	commit := fs.String("commit", "", "deploy the site as committed at this commit or branch instead of the work tree (the post-commit hook uses it)")
	wait := fs.Duration("wait", deploy.DefaultLockWait, "how long to wait for another deploy of the same target to finish (0: don't wait)")
	allowLocalhost := fs.Bool("allow-localhost", false, "deploy even if site.url is a loopback address (localhost, 127.0.0.1, ::1)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: blog deploy [flags] [site directory]
       blog deploy --list [site directory]
       blog deploy --rollback [RELEASE] [site directory]

Builds the site (BLOG_MODE=deploy) and publishes it to the deploy: target
of _config.yaml. With deploy.dir, each deploy is a new release directory
in .blog-releases/ beside it, and deploy.dir becomes a symlink to it,
switched atomically; unchanged files are hard-linked to the previous
release. With deploy.command, the command runs with $BLOG_OUTPUT set to
the built site. The site's own output directory is not touched.

RELEASE is a name from --list, or a commit. With --commit the committed
site is exported with git archive and built, so uncommitted edits are
left out.

Flags:
`)
		fs.PrintDefaults()
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if f.output != "" {
		return usagef("blog deploy: --output does not apply: a deploy builds into a new release")
	}
	if *list && *rollback {
		return usagef("blog deploy: --list and --rollback do not go together")
	}
	release := ""
	if *rollback && (len(rest) == 2 || len(rest) == 1 && deploy.IsReleaseName(rest[0])) {
		release, rest = rest[0], rest[1:]
	}
	root, err := siteRoot(rest, "deploy")
	if err != nil {
		return err
	}
	cfg, err := f.loadSite(root)
	if err != nil {
		return err
	}
	lockWait := *wait
	if lockWait <= 0 {
		lockWait = -1
	}
	log := newLogger(stderr, f.verbose)
	bopts, err := f.buildOptions()
	if err != nil {
		return err
	}
	bopts.Logger, bopts.HookOutput = log, stderr
	opts := deploy.Options{
		Logger:        log,
		LockWait:      lockWait,
		CommandOutput: stderr,
		Commit:        *commit,
		Build:         bopts,
	}
	switch {
	case *list:
		if cfg.Deploy.Dir == "" {
			return fmt.Errorf("blog deploy --list: deploy.dir is not set in %s: only a directory target keeps releases", build.ConfigFile)
		}
		rels, err := deploy.List(cfg)
		if err != nil {
			return err
		}
		if len(rels) == 0 {
			fmt.Fprintf(stdout, "no releases of %s yet\n", cfg.Deploy.Dir)
			return nil
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  RELEASE\tCOMMIT\tDEPLOYED (UTC)\tFILES\tSUBJECT")
		for _, r := range rels {
			mark := " "
			if r.Live {
				mark = "*"
			}
			fmt.Fprintf(tw, "%s %s\t%s\t%s\t%d\t%s\n", mark, r.Name, r.Commit, r.Time.UTC().Format(time.DateTime), r.Files, r.Subject)
		}
		return tw.Flush()
	case *rollback:
		if cfg.Deploy.Dir == "" {
			return fmt.Errorf("blog deploy --rollback: deploy.dir is not set in %s: only a directory target keeps releases", build.ConfigFile)
		}
		r, err := deploy.Rollback(ctx, cfg, release, opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "rolled back %s to %s (commit %s, deployed %s)\n", cfg.Deploy.Dir, r.Name, r.Commit, r.Time.UTC().Format(time.DateTime))
		return nil
	}
	if err := checkDeployURL(stderr, cfg, *allowLocalhost); err != nil {
		return err
	}
	res, err := deploy.Run(ctx, cfg, opts)
	if err != nil {
		return err
	}
	printWarnings(stderr, res.Build.Warnings, nil)
	if res.Target == "" {
		fmt.Fprintf(stdout, "built %d posts, %d pages and ran deploy.command in %s\n", res.Build.Posts, res.Build.Pages, res.Elapsed.Round(time.Millisecond))
		return nil
	}
	fmt.Fprintf(stdout, "deployed %s to %s: %d files, %d new or changed (%s), %d unchanged and hard-linked (%s); build %s, total %s\n",
		res.Release.Name, res.Target, res.Files, res.Files-res.Linked, formatBytes(res.Bytes), res.Linked, formatBytes(res.LinkedBytes),
		res.Build.Elapsed.Round(time.Millisecond), res.Elapsed.Round(time.Millisecond))
	return nil
}

// formatBytes formats n with a decimal unit: 512 B, 41.3 kB, 12.0 MB.
func formatBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}
