package httpjson

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestDo(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			_, _ = io.WriteString(w, `{"n":7}`)
		case "/echo":
			if r.Header.Get("Content-Type") != "application/json" {
				http.Error(w, "want JSON", http.StatusUnsupportedMediaType)
				return
			}
			_, _ = io.Copy(w, r.Body)
		case "/created":
			w.WriteHeader(http.StatusCreated)
		case "/bad":
			_, _ = io.WriteString(w, `{"n":`)
		case "/slow":
			time.Sleep(200 * time.Millisecond)
		default:
			http.Error(w, "no such thing", http.StatusNotFound)
		}
	}))
	defer srv.Close()
	type out struct{ N int }
	tests := []struct {
		name    string
		method  string
		path    string
		body    any
		timeout time.Duration
		want    int
		wantErr string
		status  int
	}{
		{name: "GET decodes", method: http.MethodGet, path: "/ok", want: 7},
		{name: "POST sends JSON", method: http.MethodPost, path: "/echo", body: out{N: 3}, want: 3},
		{name: "2xx without a body to decode", method: http.MethodGet, path: "/created"},
		{name: "404 is a StatusError with the body", method: http.MethodGet, path: "/nope", wantErr: "answered 404: no such thing", status: 404},
		{name: "malformed JSON names the URL", method: http.MethodGet, path: "/bad", wantErr: "decode " + srv.URL + "/bad"},
		{name: "timeout", method: http.MethodGet, path: "/slow", timeout: 20 * time.Millisecond, wantErr: "deadline exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			timeout := tt.timeout
			if timeout == 0 {
				timeout = 5 * time.Second
			}
			var got out
			var v any = &got
			if tt.path == "/created" {
				v = nil
			}
			err := Do(context.Background(), timeout, tt.method, srv.URL+tt.path, tt.body, v)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				var se *StatusError
				if tt.status != 0 && (!errors.As(err, &se) || se.Status != tt.status) {
					t.Fatalf("error %v is not a StatusError %d", err, tt.status)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.N != tt.want {
				t.Fatalf("decoded %d, want %d", got.N, tt.want)
			}
		})
	}
}
