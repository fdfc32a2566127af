package config_test

import (
	"testing"

	"github.com/stingerdvt/stinger/config"
)

// BenchmarkDecodeAndValidate measures parsing the complete defaults file and
// validating it (what `stinger run` and `config check` do once per start).
func BenchmarkDecodeAndValidate(b *testing.B) {
	data, err := config.DefaultsYAML(config.Default())
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		cfg := config.Default()
		if err := config.Decode(cfg, data); err != nil {
			b.Fatal(err)
		}
		cfg.DataDir = dir
		if err := cfg.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}
