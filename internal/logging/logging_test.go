package logging_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/internal/logging"
)

func TestNewWritesChosenFormatAtChosenLevel(t *testing.T) {
	tests := []struct {
		name, level, format string
		wantDebug           bool
	}{
		{"console info hides debug", "info", "console", false},
		{"json debug shows debug", "debug", "json", true},
		{"json warn hides debug", "warn", "json", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			l, err := logging.New(tt.level, tt.format, &buf)
			if err != nil {
				t.Fatal(err)
			}
			l.Debug("step", zap.Int("n", 1))
			l.Error("outcome", zap.String("peer_id", "x"))
			out := buf.String()
			if strings.Contains(out, "step") != tt.wantDebug {
				t.Errorf("debug line present = %v, want %v:\n%s", !tt.wantDebug, tt.wantDebug, out)
			}
			last := strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:])
			if tt.format == "json" {
				var m map[string]any
				if err := json.Unmarshal([]byte(last), &m); err != nil || m["msg"] != "outcome" || m["peer_id"] != "x" || m["level"] != "error" {
					t.Errorf("JSON line %q (%v)", last, err)
				}
			} else if !strings.Contains(last, "ERROR") || !strings.Contains(last, `"peer_id": "x"`) {
				t.Errorf("console line %q lacks level or field", last)
			}
		})
	}
}

func TestNewRejectsUnknownLevelAndFormat(t *testing.T) {
	tests := []struct{ level, format, want string }{
		{"loud", "json", `unknown level "loud"`},
		{"fatal", "json", `unknown level "fatal"`},
		{"info", "xml", `unknown format "xml"`},
	}
	for _, tt := range tests {
		if _, err := logging.New(tt.level, tt.format, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%q, %q) error = %v, want %q", tt.level, tt.format, err, tt.want)
		}
	}
}
