// Package deploy publishes a built site: into a directory, as atomic
// releases behind a symlink, or through a shell command. It also installs
// the git hooks that deploy on commit or on push.
//
// # Releases
//
// With deploy.dir set to a path such as /srv/www/blog, [Run] builds the
// site (the same build as blog build, with BLOG_MODE=deploy) and lays it
// out as a new release directory beside the target:
//
//	/srv/www/blog -> .blog-releases/blog/20261126T051400Z-abc1234
//	/srv/www/.blog-releases/blog/
//		.lock                                 one deploy at a time
//		20261125T201000Z-9f00e1d/             an older release
//		20261125T201000Z-9f00e1d.json         its metadata: commit, time
//		20261126T051400Z-abc1234/             the live release
//		20261126T051400Z-abc1234.json
//
// A release is named by its UTC time and the short commit of the site's
// git HEAD ("nogit" outside a repository). Files that are byte-identical
// to the live release are hard-linked to it, so a deploy after editing one
// post writes about one post's worth of bytes. When the release is
// complete its metadata file is written (the completion marker) and the
// target symlink is replaced by renaming a fresh symlink over it, so a
// web server serving the target sees the old site or the new one, never a
// mix. The newest deploy.keep releases are kept; [Rollback] points the
// symlink at an older one and [List] shows them.
//
// A release directory without its metadata file is partial: a deploy that
// failed or was killed. The next deploy removes it. Nothing outside the
// releases directory is ever removed, and neither is the live release.
//
// # Commands
//
// With deploy.command set, [Run] builds into a temporary directory and
// runs the command with sh -c in the site root, with BLOG_OUTPUT (the
// built site), BLOG_SOURCE (the site root) and BLOG_MODE=deploy in its
// environment. With both set, the command runs after the switch, with
// BLOG_OUTPUT naming the new release.
//
// # Hooks
//
// [InstallHook] writes a git post-commit hook that runs blog deploy in the
// background when the configured branch is committed, or a post-receive
// hook for a bare repository that checks the pushed branch out into a work
// tree and deploys from it. An existing hook is kept and called first;
// [UninstallHook] puts it back.
//
// A typical use:
//
//	cfg, err := build.Load(".")
//	if err != nil { … }
//	res, err := deploy.Run(ctx, cfg, deploy.Options{})
//	if err != nil { … }
//	fmt.Println("live:", res.Release)
package deploy
