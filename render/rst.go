package render

import (
	"bufio"
	"context"
	"crypto/sha256"
	_ "embed" // the docutils driver
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"time"
)

// rstDriver is the Python program that runs docutils for [RST]: JSON
// requests on stdin, JSON replies on stdout, one a line.
//
//go:embed rst_driver.py
var rstDriver string

// ErrNoDocutils is wrapped by the error of an [RST] that cannot start
// docutils: Python 3 or its docutils package is not installed.
var ErrNoDocutils = errors.New("reStructuredText posts need docutils (Python 3): install it with `apt-get install python3-docutils` (Debian, Ubuntu) or `pip install docutils`, or set rst.enabled: false to build without them")

// RSTOptions configures [NewRST]. The zero value runs python3 from PATH,
// leaves :: literal blocks unhighlighted and raw HTML off.
type RSTOptions struct {
	// Python is the Python 3 interpreter with docutils. Default "python3",
	// looked up in PATH.
	Python string
	// LiteralLanguage is the language of :: literal blocks and of code
	// directives that name none. Default "": plain blocks.
	LiteralLanguage string
	// UnsafeHTML enables the raw directive.
	UnsafeHTML bool
	// Typographer turns on docutils' smart quotes.
	Typographer bool
	// TabWidth is the width docutils expands tabs to (it expands every
	// tab of the source, code included). Default 8, as docutils'.
	TabWidth int
	// Timeout bounds the conversion of one document; the docutils process
	// is killed when it passes. Default 30s.
	Timeout time.Duration
	// Procs is the most docutils processes run at once. Default
	// GOMAXPROCS, at most 4.
	Procs int
}

func (o RSTOptions) withDefaults() RSTOptions {
	if o.Python == "" {
		o.Python = "python3"
	}
	if o.TabWidth <= 0 {
		o.TabWidth = 8
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Procs <= 0 {
		o.Procs = min(runtime.GOMAXPROCS(0), 4)
	}
	return o
}

// RST converts reStructuredText with docutils, in a few long-lived Python
// processes started when first needed, so a build pays Python's start-up
// once, not once per post. It is safe for concurrent use. Close stops the
// processes.
type RST struct {
	opts  RSTOptions
	slots chan struct{} // one per process that may run

	mu      sync.Mutex
	idle    []*rstProc
	all     map[*rstProc]bool
	closed  bool
	version string // "docutils X, Python Y", once a process said it
	nextID  int
}

// NewRST returns a converter for opts. It starts nothing.
func NewRST(opts RSTOptions) *RST {
	opts = opts.withDefaults()
	return &RST{opts: opts, slots: make(chan struct{}, opts.Procs), all: map[*rstProc]bool{}}
}

// Key identifies what a conversion depends on besides the document: the
// driver, the docutils and Python versions and the options. It starts a
// docutils process when none has run yet, so it is also the check that
// docutils is there: its error wraps [ErrNoDocutils] when it is not.
func (r *RST) Key(ctx context.Context) (string, error) {
	p, err := r.acquire(ctx)
	if err != nil {
		return "", err
	}
	r.release(p, true)
	r.mu.Lock()
	v := r.version
	r.mu.Unlock()
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%q\x00%v\x00%v\x00%d", rstDriver, v, r.opts.LiteralLanguage, r.opts.UnsafeHTML, r.opts.Typographer, r.opts.TabWidth)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Close stops every docutils process, including those converting a
// document (their conversions fail). The RST is not usable afterwards.
func (r *RST) Close() {
	r.mu.Lock()
	r.closed = true
	procs := make([]*rstProc, 0, len(r.all))
	for p := range r.all {
		procs = append(procs, p)
	}
	r.idle = nil
	r.mu.Unlock()
	for _, p := range procs {
		p.stop()
	}
}

var errRSTClosed = errors.New("reStructuredText converter closed")

// acquire returns an idle process, or starts one while fewer than Procs
// run.
func (r *RST) acquire(ctx context.Context) (*rstProc, error) {
	select {
	case r.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		<-r.slots
		return nil, errRSTClosed
	}
	if n := len(r.idle); n > 0 {
		p := r.idle[n-1]
		r.idle = r.idle[:n-1]
		r.mu.Unlock()
		return p, nil
	}
	r.mu.Unlock()
	p, version, err := startRSTProc(r.opts.Python)
	if err != nil {
		<-r.slots
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		p.stop()
		<-r.slots
		return nil, errRSTClosed
	}
	r.all[p] = true
	r.version = version
	return p, nil
}

// release gives p back; a process that failed is stopped instead.
func (r *RST) release(p *rstProc, ok bool) {
	r.mu.Lock()
	if ok && !r.closed {
		r.idle = append(r.idle, p)
	} else {
		delete(r.all, p)
		ok = false
	}
	r.mu.Unlock()
	if !ok {
		p.stop()
	}
	<-r.slots
}

// rstRequest and rstReply are the driver's protocol (see rst_driver.py).
type rstRequest struct {
	ID          int    `json:"id"`
	File        string `json:"file"`
	Src         string `json:"src"`
	Nonce       string `json:"nonce"`
	Lang        string `json:"lang"`
	Raw         bool   `json:"raw"`
	SmartQuotes bool   `json:"smart_quotes"`
	TabWidth    int    `json:"tab_width"`
}

type rstReply struct {
	ID    int       `json:"id"`
	Body  string    `json:"body"`
	Codes []rstCode `json:"codes"`
	Msgs  []rstMsg  `json:"msgs"`
	Error string    `json:"error"`
}

// rstCode is one code block the driver left for us to highlight.
type rstCode struct {
	Lang    string   `json:"lang"`
	Code    string   `json:"code"`
	HL      [][2]int `json:"hl"`
	LineNos bool     `json:"linenos"`
	Start   int      `json:"start"`
	Caption string   `json:"caption"`
	Line    int      `json:"line"`
}

// rstMsg is a docutils system message: level 2 a warning, 3 an error, 4
// a severe error.
type rstMsg struct {
	Line  int    `json:"line"`
	Level int    `json:"level"`
	Msg   string `json:"msg"`
}

// convert sends one document to a docutils process.
func (r *RST) convert(ctx context.Context, req rstRequest) (rstReply, error) {
	p, err := r.acquire(ctx)
	if err != nil {
		return rstReply{}, err
	}
	r.mu.Lock()
	r.nextID++
	req.ID = r.nextID
	r.mu.Unlock()
	reply, err := p.do(ctx, req, r.opts.Timeout)
	r.release(p, err == nil)
	return reply, err
}

// rstProc is one docutils process.
type rstProc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	stderr *tailBuffer
	once   sync.Once
}

// startRSTProc starts the driver with python and reads its greeting.
func startRSTProc(python string) (*rstProc, string, error) {
	cmd := exec.Command(python, "-c", rstDriver)
	// Not the site's directory: python -c puts the current directory
	// first on the module path, where a docutils/ of the site's would
	// shadow the real one.
	cmd.Dir = os.TempDir()
	// A killed driver's children, if it had any, must not hold up Wait.
	cmd.WaitDelay = time.Second
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, "", err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	p := &rstProc{cmd: cmd, stdin: stdin, stdout: bufio.NewReaderSize(stdout, 64<<10), stderr: &tailBuffer{max: 4 << 10}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return nil, "", fmt.Errorf("%w (no %s in PATH)", ErrNoDocutils, python)
		}
		return nil, "", fmt.Errorf("%w (%s: %v)", ErrNoDocutils, python, err)
	}
	timer := time.AfterFunc(30*time.Second, p.stop)
	line, err := p.stdout.ReadBytes('\n')
	timer.Stop()
	var hello struct {
		Docutils string `json:"docutils"`
		Python   string `json:"python"`
		Missing  string `json:"missing"`
	}
	if err == nil {
		err = json.Unmarshal(line, &hello)
	}
	switch {
	case err != nil:
		p.stop()
		return nil, "", fmt.Errorf("%w (%s did not start the driver: %v%s)", ErrNoDocutils, python, err, p.stderr.note())
	case hello.Missing != "":
		p.stop()
		return nil, "", fmt.Errorf("%w (%s: %s)", ErrNoDocutils, python, hello.Missing)
	}
	return p, "docutils " + hello.Docutils + ", Python " + hello.Python, nil
}

// do converts one document, killing the process when it takes longer
// than timeout or ctx ends.
func (p *rstProc) do(ctx context.Context, req rstRequest, timeout time.Duration) (rstReply, error) {
	data, err := json.Marshal(req)
	if err != nil {
		return rstReply{}, err
	}
	var timedOut bool
	var mu sync.Mutex
	timer := time.AfterFunc(timeout, func() {
		mu.Lock()
		timedOut = true
		mu.Unlock()
		p.stop()
	})
	defer timer.Stop()
	stopCtx := context.AfterFunc(ctx, p.stop)
	defer stopCtx()
	fail := func(err error) (rstReply, error) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case timedOut:
			return rstReply{}, fmt.Errorf("docutils took longer than %s: stopped", timeout)
		case ctx.Err() != nil:
			return rstReply{}, ctx.Err()
		}
		return rstReply{}, fmt.Errorf("docutils: %v%s", err, p.stderr.note())
	}
	if _, err := p.stdin.Write(append(data, '\n')); err != nil {
		return fail(err)
	}
	line, err := p.stdout.ReadBytes('\n')
	if err != nil {
		return fail(err)
	}
	var reply rstReply
	if err := json.Unmarshal(line, &reply); err != nil {
		return fail(fmt.Errorf("bad reply: %v", err))
	}
	if reply.ID != req.ID {
		return fail(fmt.Errorf("reply %d to request %d", reply.ID, req.ID))
	}
	return reply, nil
}

// stop kills the process and waits for it; it is safe to call more than
// once and from any goroutine.
func (p *rstProc) stop() {
	p.once.Do(func() {
		p.stdin.Close()
		if p.cmd.Process != nil {
			p.cmd.Process.Kill()
		}
		p.cmd.Wait()
	})
}

// tailBuffer keeps the last max bytes written to it: a process's stderr,
// for the message when it dies.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if over := len(t.b) - t.max; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	return len(p), nil
}

// note is the kept stderr as the end of a message, or "".
func (t *tailBuffer) note() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.b) == 0 {
		return ""
	}
	return ": " + string(t.b)
}
