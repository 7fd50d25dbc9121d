// Blog builds, serves and deploys a static blog with a live who's-online
// widget.
//
// Usage:
//
//	blog <command> [flags] [site directory]
//
// The site directory defaults to the current directory; it holds
// _config.yaml and posts/.
//
// Build the site into _site/, rendering only what changed since the last
// build (--full ignores the cache):
//
//	blog build [--drafts] [--future] [--full] [--output DIR] [-v] [DIR]
//
// Build, serve on localhost, rebuild on every save and reload open pages,
// with the who's-online endpoint mounted (an embedded Redis unless --redis):
//
//	blog serve [--addr 127.0.0.1:4000] [--drafts] [--future] [--redis URL] [--open] [--public] [DIR]
//
// Create a post, posts/YYYY-MM-DD-slug.md, as a draft by default:
//
//	blog new [--draft=false] [--tags a,b] "Title" [DIR]
//
// Create a new blog (--theme also copies the built-in theme for editing):
//
//	blog init [--theme] [--title TITLE] DIR
//
// Build and publish to deploy.dir (a symlink to the live release) or
// through deploy.command; list releases; roll back:
//
//	blog deploy [--commit REV] [--wait 10m] [DIR]
//	blog deploy --list [DIR]
//	blog deploy --rollback [RELEASE] [DIR]
//
// Install or remove the hook that deploys commits on deploy.branch: a git
// post-commit hook (--post-receive: for a bare repository that receives
// pushes), or Mercurial commit hook in .hg/hgrc (--server: pushes too):
//
//	blog hook install [--post-receive | --server] [DIR]
//	blog hook uninstall [DIR]
//
// Run the who's-online endpoint on its own, next to Redis:
//
//	blog widget [--root DIR] [--addr 127.0.0.1:8090] [--redis URL] [-v]
//
// Print a highlighting style's CSS, or list the styles:
//
//	blog styles [STYLE]
//	blog styles --list
//
// Remove the output and the build cache; print the version (module
// version, VCS revision and time, Go version):
//
//	blog clean [DIR]
//	blog version
//
// Print a completion script for bash, zsh or fish; print the commands, or
// one command's usage and flags (as blog COMMAND --help does):
//
//	blog completion bash|zsh|fish
//	blog help [COMMAND]
//
// Usage errors exit with status 2 and other failures with 1. Errors in
// site content are printed one per line as file:line:col: message.
package main
