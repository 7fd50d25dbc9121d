package widget_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/blog-gen/blog/widget"
)

func ExampleSignToken() {
	secret := []byte("shared secret")
	expiry := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	token := widget.SignToken(secret, "alice", expiry)
	fmt.Println(token[:len("alice|1893456000")])

	name, err := widget.ParseToken(secret, token, expiry.Add(-time.Hour))
	fmt.Println(name, err)
	_, err = widget.ParseToken(secret, token, expiry)
	fmt.Println(err)
	// Output:
	// alice|1893456000
	// alice <nil>
	// widget: expired token
}

func ExampleNew() {
	// The zero Options run an embedded Redis: fine for one instance.
	srv, err := widget.New(widget.Options{})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	mux := http.NewServeMux()
	mux.Handle("/_online/", http.StripPrefix("/_online", srv))

	r := httptest.NewRequest("POST", "/_online/hit", strings.NewReader(`{"path":"/hello/"}`))
	r.Header.Set("User-Agent", "Mozilla/5.0")
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	fmt.Println(w.Code)
	// Output: 204
}

func ExampleMiddleware() {
	secret := []byte("shared secret")
	srv, err := widget.New(widget.Options{Secret: secret})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	site := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "page") })
	handler := widget.Middleware(widget.MiddlewareOptions{
		Name:     func(r *http.Request) string { return r.Header.Get("X-User") }, // your session lookup
		Reporter: srv,
		Secret:   secret,
	})(site)

	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("X-User", "alice")
	w := httptest.NewRecorder()
	handler.ServeHTTP(w, r)
	for _, c := range w.Result().Cookies() {
		fmt.Println(c.Name)
	}
	// Output:
	// wo_online
	// wo_token
}
