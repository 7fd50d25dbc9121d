// Package importer moves a blog made with another tool into blog: a
// WordPress export (WXR), a Jekyll, Hugo or Blogofile site. Each origin
// has one file; they share the conversion of the markup those tools
// expanded at build time (Liquid, Hugo shortcodes, Blogofile's $$code,
// WordPress shortcodes), which is done once, at import, so that the
// build never needs to understand it.
package importer
