package build

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
)

// write renders the outputs into a staging directory and commits them.
func (b *builder) write(ctx context.Context, out string, outputs []*output, reason string) (Result, error) {
	w, err := newStaging(out)
	if err != nil {
		return Result{}, fmt.Errorf("write: %w", err)
	}
	defer w.discard()
	res := Result{Posts: len(b.posts), Pages: len(b.pages), Full: b.old == nil}
	if res.Full {
		// A full build writes every output.
		rels := make([]string, len(outputs))
		for i, o := range outputs {
			rels[i] = o.path
		}
		w.mkdirs(rels)
		res.Reason = reason
		b.opts.Logger.Debug("full build", "reason", reason)
	}
	kept, late, err := b.produce(ctx, w, outputs, &res)
	if err != nil {
		return Result{}, err
	}
	if len(late) > 0 {
		// The outputs made late take their placeholders' places (a
		// placeholder's path is among them).
		outputs = slices.DeleteFunc(slices.Clone(outputs), func(o *output) bool { return o.late != nil })
		outputs = append(outputs, late...)
		for _, o := range late {
			if b.planned != nil {
				b.planned[o.path] = o
			}
		}
	}
	res.Files = len(outputs)
	b.steps.done("produce")
	if err := b.collectWarnings(&res); err != nil {
		return Result{}, err
	}
	var removed []string
	if b.old != nil && kept < len(b.old.Outputs) { // else every old output is still one
		planned := b.planned // when the plan was checked
		if planned == nil {
			planned = make(map[string]*output, len(outputs))
			for _, o := range outputs {
				planned[o.path] = o
			}
		}
		for p := range b.old.Outputs {
			if _, ok := planned[p]; !ok {
				removed = append(removed, p)
				delete(b.next.Outputs, p) // next started as a copy of old
			}
		}
		slices.Sort(removed)
	}
	res.Removed = len(removed)
	if err := b.commit(w, removed, &res); err != nil {
		return Result{}, fmt.Errorf("write: %w", err)
	}
	b.steps.done("commit")
	return res, nil
}

// commit puts the build's files in place and saves the cache. The dirty
// mark brackets the moment the output and the cache disagree, so a build
// killed inside it is followed by a full one.
func (b *builder) commit(w *staging, removed []string, res *Result) error {
	if b.old != nil && res.Written == 0 && res.Unchanged == 0 && len(removed) == 0 && !b.sourcesChanged() {
		// A no-op build: the output and the cache are already right.
		w.discard()
		return b.writeStamp(res)
	}
	if !b.opts.NoCache {
		b.committing = true
		var err error
		if b.sess != nil {
			err = b.sess.markDirty(b.cacheDir)
		} else {
			err = WriteFileAtomic(dirtyPath(b.cacheDir), nil, 0o644)
		}
		if err != nil {
			return err
		}
	}
	inexact := b.inexact.Load()
	b.next.Start = b.began
	if inexact {
		// Some page shows code that may be highlighted wrongly, and which
		// pages do (lists, feeds) is not known here: a zero Global makes
		// the next build a full one.
		b.next.Global = key{}
	}
	// The state is saved while the files are put in place: neither
	// touches the other's files, and the dirty mark stays until both are
	// done. A session keeps its state and saves it later (the mark stays
	// until then), unless it may not be used again.
	var saved chan error
	if !b.opts.NoCache && (b.sess == nil || inexact) {
		saved = make(chan error, 1)
		go func() { saved <- b.next.save(b.cacheDir) }()
	}
	var err error
	if b.old == nil {
		err = w.commit()
	} else {
		err = w.apply(removed)
	}
	if err != nil || b.opts.NoCache {
		if saved != nil {
			<-saved
		}
		return err
	}
	if err := b.codes.save(b.old == nil); err != nil {
		b.opts.Logger.Warn("code cache not saved", "err", err)
	}
	if b.sess != nil {
		if !inexact {
			b.sess.keep(b.cacheDir, b.next)
			return b.writeStamp(res)
		}
		b.sess.drop()
	}
	if err := <-saved; err != nil {
		return err
	}
	if err := os.Remove(dirtyPath(b.cacheDir)); err != nil {
		return err
	}
	if inexact {
		// Nor may a stamp let the next build stop before reading the state.
		if err := os.Remove(stampPath(b.cacheDir)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	return b.writeStamp(res)
}

// sourcesChanged reports whether the next state's sources differ from the
// old ones: a file was read, added or removed.
func (b *builder) sourcesChanged() bool {
	if b.reads.Load() > 0 || len(b.old.Sources) != len(b.next.Sources) {
		return true
	}
	for name := range b.next.Sources {
		if _, ok := b.old.Sources[name]; !ok {
			return true
		}
	}
	return false
}
