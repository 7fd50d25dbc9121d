package build

// urlMemo is a post's URL as a session build found it: valid while the
// post's source state (the same object: the file did not change) and
// everything the URL derives from (the global key, the source lists'
// configuration) are the same.
type urlMemo struct {
	src      *sourceState
	out, rel string
	ok       bool // checkPostURL found nothing wrong
	// The key of the post's search document file when it was doc; ""
	// when not known.
	doc    string
	docKey key
}

// urlMemos are a session's post URLs, by source path.
type urlMemos struct {
	global, from key
	byRel        map[string]urlMemo
}

// memos returns the session's URL memos for this build, emptied when what
// URLs derive from changed; nil without a session.
func (b *builder) memos() *urlMemos {
	s := b.sess
	if s == nil {
		return nil
	}
	from := discoveryKey(&b.cfg)
	if s.urls == nil || s.urls.global != b.global || s.urls.from != from || len(s.urls.byRel) > 2*(len(b.srcPosts)+len(b.srcPages))+64 {
		s.urls = &urlMemos{global: b.global, from: from, byRel: make(map[string]urlMemo)}
	}
	return s.urls
}

// sessionURL is postURL, remembered across the builds of a session.
func (b *builder) sessionURL(m *urlMemos, it *item) (out, rel string) {
	if m == nil {
		return b.postURL(it)
	}
	if e, ok := m.byRel[it.rel]; ok && e.src == it.src {
		return e.out, e.rel
	}
	out, rel = b.postURL(it)
	m.byRel[it.rel] = urlMemo{src: it.src, out: out, rel: rel}
	return out, rel
}

// sessionCheck is checkPostURL, remembered likewise.
func (b *builder) sessionCheck(m *urlMemos, it *item) error {
	if m == nil {
		return b.checkPostURL(it)
	}
	e, ok := m.byRel[it.rel]
	if ok && e.src == it.src && e.ok {
		return nil
	}
	err := b.checkPostURL(it)
	if ok && e.src == it.src && err == nil {
		e.ok = true
		m.byRel[it.rel] = e
	}
	return err
}

// sessionDocKey is searchDocKey of it's search document file docPath,
// remembered likewise (the key is a hash, 10,000 of them per build).
func (b *builder) sessionDocKey(m *urlMemos, docPath string, it *item) key {
	if m == nil {
		return searchDocKey(docPath, it.rel, b.global, it.src)
	}
	e, ok := m.byRel[it.rel]
	if ok && e.src == it.src && e.doc == docPath {
		return e.docKey
	}
	k := searchDocKey(docPath, it.rel, b.global, it.src)
	if ok && e.src == it.src {
		e.doc, e.docKey = docPath, k
		m.byRel[it.rel] = e
	}
	return k
}
