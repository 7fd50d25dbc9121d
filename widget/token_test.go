package widget

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"
)

var cmpEmpty = cmpopts.EquateEmpty()

func TestParseToken(t *testing.T) {
	t.Parallel()
	now := t0
	good := SignToken(testSecret, "alice", now.Add(time.Minute))
	tests := []struct {
		name    string
		secret  []byte
		token   string
		want    string
		wantErr error
	}{
		{"valid", testSecret, good, "alice", nil},
		{"pipe in name", testSecret, SignToken(testSecret, "a|b", now.Add(time.Minute)), "a|b", nil},
		{"expired", testSecret, SignToken(testSecret, "alice", now), "", ErrExpiredToken},
		{"wrong secret", []byte("x"), good, "", ErrInvalidToken},
		{"empty secret", nil, SignToken(nil, "alice", now.Add(time.Minute)), "", ErrInvalidToken},
		{"tampered name", testSecret, "bob" + good[5:], "", ErrInvalidToken},
		{"tampered expiry", testSecret, strings.Replace(good, "|19", "|29", 1), "", ErrInvalidToken},
		{"no mac", testSecret, "alice|1900000000", "", ErrInvalidToken},
		{"garbage", testSecret, "|||", "", ErrInvalidToken},
		{"empty", testSecret, "", "", ErrInvalidToken},
		{"control char", testSecret, SignToken(testSecret, "a\nb", now.Add(time.Minute)), "", ErrInvalidToken},
		{"too long", testSecret, SignToken(testSecret, strings.Repeat("a", MaxNameLen+1), now.Add(time.Minute)), "", ErrInvalidToken},
	}
	for _, tc := range tests {
		got, err := ParseToken(tc.secret, tc.token, now)
		if got != tc.want || !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: ParseToken(%q) = %q, %v; want %q, %v", tc.name, tc.token, got, err, tc.want, tc.wantErr)
		}
	}
}

func FuzzToken(f *testing.F) {
	f.Add("alice", int64(1900000000), "")
	f.Add("<script>alert(1)</script>", int64(1), "x|y")
	f.Add("a|b|c", int64(-5), "|||")
	f.Add("Ana María", int64(4102444800), "alice|1900000000|00")
	f.Fuzz(func(t *testing.T, name string, exp int64, raw string) {
		now := time.Unix(1800000000, 0)
		// Arbitrary input never panics and never yields a name without a
		// valid signature.
		if got, err := ParseToken(testSecret, raw, now); err == nil {
			t.Errorf("ParseToken(%q) = %q, nil; want an error for an unsigned token", raw, got)
		}
		tok := SignToken(testSecret, name, time.Unix(exp, 0))
		got, err := ParseToken(testSecret, tok, now)
		switch {
		case !validName(name) || exp <= now.Unix():
			if err == nil {
				t.Errorf("ParseToken(SignToken(%q, %d)) = %q, nil; want an error", name, exp, got)
			}
		case err != nil || got != name:
			t.Errorf("ParseToken(SignToken(%q, %d)) = %q, %v; want the name", name, exp, got, err)
		}
		if _, err := ParseToken([]byte("other"), tok, now); err == nil {
			t.Errorf("token for %q accepted under another secret", name)
		}
	})
}
