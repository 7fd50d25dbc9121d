package build

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/blog-gen/blog/diag"
)

// produce renders the outputs whose inputs changed, in two phases: post
// and page bodies first (they give lists their summaries), then the rest,
// with the outputs made late (see output.late) in their placeholders'
// place, which it returns. It writes files whose bytes changed to the
// staging directory and records every output in the next state.
func (b *builder) produce(ctx context.Context, w *staging, outputs []*output, res *Result) (kept int, late []*output, err error) {
	var done atomic.Int64
	var hadOld atomic.Int64 // outputs the last build had too
	var progressMu sync.Mutex
	total := len(outputs)
	var (
		mu   sync.Mutex
		errs diag.List
	)
	do := func(o *output) {
		defer func() {
			n := done.Add(1)
			progressMu.Lock()
			b.opts.Progress(int(n), total)
			progressMu.Unlock()
		}()
		var prev outputState
		var had bool
		if b.old != nil {
			prev, had = b.old.Outputs[o.path]
		}
		if had {
			hadOld.Add(1)
		}
		data, err := o.render() // the cached ones were taken before the workers started
		if err != nil {
			mu.Lock()
			errs.Add(err)
			mu.Unlock()
			return
		}
		h := hashBytes(data)
		mu.Lock()
		b.next.Outputs[o.path] = outputState{Dep: o.dep, Hash: h}
		mu.Unlock()
		if had && prev.Hash == h {
			mu.Lock()
			res.Unchanged++
			mu.Unlock()
			return
		}
		if err := w.write(o.path, data); err != nil {
			mu.Lock()
			errs.Add(err)
			mu.Unlock()
			return
		}
		mu.Lock()
		res.Written++
		mu.Unlock()
	}
	// Outputs whose key is unchanged are taken from the last build here,
	// on one goroutine: an edit of a 10,000-post site has some 20,000 of
	// them, and handing each to a worker cost more than the lookups.
	var todo, placeholders []*output
	cached := func(o *output) bool {
		if b.old == nil {
			return false
		}
		prev, had := b.old.Outputs[o.path]
		if !had || prev.Dep != o.dep || o.item != nil && !o.item.src.Rendered {
			return false
		}
		if o.item != nil {
			fill(o.item)
		}
		res.Cached++ // next.Outputs has prev already
		hadOld.Add(1)
		done.Add(1)
		return true
	}
	for _, o := range outputs {
		if o.late != nil {
			placeholders = append(placeholders, o)
		} else if !cached(o) {
			todo = append(todo, o)
		}
	}
	report := func() {
		if n := done.Load(); n > 0 {
			b.opts.Progress(int(n), total)
		}
	}
	report()
	var items, rest []*output
	for _, o := range todo {
		if o.item != nil {
			items = append(items, o)
		} else {
			rest = append(rest, o)
		}
	}
	for i, phase := range [][]*output{items, rest} {
		if i == 1 && len(placeholders) > 0 {
			// The bodies have rendered: the late outputs are made,
			// and join the rest.
			for _, o := range placeholders {
				outs, err := o.late()
				if err != nil {
					return 0, nil, err
				}
				late = append(late, outs...)
				total += len(outs) - 1
				for _, o := range outs {
					if !cached(o) {
						phase = append(phase, o)
					}
				}
			}
			report()
		}
		parallel(ctx, len(phase), func(i int) { do(phase[i]) })
		if err := ctx.Err(); err != nil {
			return 0, nil, err
		}
		if errs.Len() > 0 {
			return 0, nil, errs.Err()
		}
	}
	return int(hadOld.Load()), late, nil
}

// feedBody is a post's body rendered for the feeds, once.
type feedBody struct {
	once sync.Once
	html string
	err  error
}

// feedBody returns the rendered body of a post a feed shows, rendering it
// at most once per build.
func (b *builder) feedBody(it *item) (string, error) {
	b.feedMu.Lock()
	if b.feedContent == nil {
		b.feedContent = make(map[string]*feedBody)
	}
	fb := b.feedContent[it.rel]
	if fb == nil {
		fb = &feedBody{}
		b.feedContent[it.rel] = fb
	}
	b.feedMu.Unlock()
	fb.once.Do(func() { fb.html, fb.err = b.renderBody(it) })
	return fb.html, fb.err
}

// setFeedBody records a body rendered for a post's own page, so feeds
// don't render it again.
func (b *builder) setFeedBody(it *item, html string) {
	b.feedMu.Lock()
	defer b.feedMu.Unlock()
	if b.feedContent == nil {
		b.feedContent = make(map[string]*feedBody)
	}
	fb := &feedBody{html: html}
	fb.once.Do(func() {})
	b.feedContent[it.rel] = fb
}

// parallel calls fn(0) … fn(n-1) on GOMAXPROCS goroutines and waits for
// them. It stops handing out work once ctx is done. Workers take the next
// index from a shared counter: a channel's handoff per item cost more
// than a stat.
func parallel(ctx context.Context, n int, fn func(i int)) { parallelUntil(ctx, n, nil, fn) }

// parallelUntil is [parallel], but every worker but the first stops taking
// work once yield, when not nil, reports true: another goroutine needs
// its core.
func parallelUntil(ctx context.Context, n int, yield func() bool, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			if ctx.Err() != nil {
				return
			}
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for w == 0 || yield == nil || !yield() {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}
