package build

// docMemo is the key of a post's search document file as a session build
// found it: valid while the post's source state (the same object: the
// file did not change), the document's number and the global key are the
// same.
type docMemo struct {
	src    *sourceState
	doc    string
	docKey key
}

// docMemos are a session's search document keys, by source path.
type docMemos struct {
	global key
	byRel  map[string]docMemo
}

// memos returns the session's document key memos for this build, emptied
// when the global key changed; nil without a session.
func (b *builder) memos() *docMemos {
	s := b.sess
	if s == nil {
		return nil
	}
	if s.docs == nil || s.docs.global != b.global || len(s.docs.byRel) > 2*(len(b.srcPosts)+len(b.srcPages))+64 {
		s.docs = &docMemos{global: b.global, byRel: make(map[string]docMemo)}
	}
	return s.docs
}

// sessionDocKey is searchDocKey of it's search document file docPath,
// remembered across a session's builds (the key is a hash, 10,000 of
// them per build).
func (b *builder) sessionDocKey(m *docMemos, docPath string, it *item) key {
	if m == nil {
		return searchDocKey(docPath, it.rel, b.global, it.src)
	}
	if e, ok := m.byRel[it.rel]; ok && e.src == it.src && e.doc == docPath {
		return e.docKey
	}
	k := searchDocKey(docPath, it.rel, b.global, it.src)
	m.byRel[it.rel] = docMemo{src: it.src, doc: docPath, docKey: k}
	return k
}
