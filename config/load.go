package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"
)

// EnvConfigFile names the environment variable that may hold the config file
// path; it is the one STINGER_* variable that is not a setting.
const EnvConfigFile = EnvPrefix + "CONFIG"

// maxConfigFileSize bounds how much of a config file is read.
const maxConfigFileSize = 1 << 20

// Sources are the inputs Load merges over Default().
type Sources struct {
	// File is a YAML config file path; empty means none.
	File string
	// Env is the environment as KEY=VALUE pairs (os.Environ()); only STINGER_* entries are read.
	Env []string
	// Flags is a flag set prepared with BindFlags; only flags the user set are applied. May be nil.
	Flags *pflag.FlagSet
}

// Load builds a configuration from defaults, then the file, then the
// environment, then flags (each overriding the previous), and validates it.
// A file that cannot be parsed, an unknown key or unknown STINGER_*
// variable, and every invalid value are reported as errors; all value
// problems come together in one *ValidationError.
func Load(src Sources) (*Config, error) {
	cfg := Default()
	if src.File != "" {
		if err := loadFile(cfg, src.File); err != nil {
			return nil, err
		}
	}
	problems := &ValidationError{}
	applyEnv(cfg, src.Env, problems)
	applyFlags(cfg, src.Flags, problems)
	if err := problems.errOrNil(); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

func loadFile(cfg *Config, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open config file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigFileSize+1))
	if err != nil {
		return fmt.Errorf("read config file %s: %w", path, err)
	}
	if len(data) > maxConfigFileSize {
		return fmt.Errorf("read config file %s: larger than %d bytes", path, maxConfigFileSize)
	}
	if err := Decode(cfg, data); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	return nil
}

// Decode parses YAML data over cfg, rejecting unknown keys. An empty
// document leaves cfg unchanged.
func Decode(cfg *Config, data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(cfg)
	if errors.Is(err, io.EOF) {
		return nil
	}
	var typeErr *yaml.TypeError
	if errors.As(err, &typeErr) {
		// yaml.v3's message for a key that is not in the struct.
		unknownFieldRE := regexp.MustCompile(`^line (\d+): field (\S+) not found in type (\S+)$`)
		msgs := make([]string, 0, len(typeErr.Errors))
		for _, m := range typeErr.Errors {
			if sm := unknownFieldRE.FindStringSubmatch(m); sm != nil {
				m = fmt.Sprintf("line %s: unknown key %q (see `stinger config defaults` for every key)", sm[1], sm[2])
			}
			msgs = append(msgs, m)
		}
		return fmt.Errorf("%s", strings.Join(msgs, "; "))
	}
	if err != nil {
		return fmt.Errorf("malformed YAML: %w", err)
	}
	var extra yaml.Node
	if dec.Decode(&extra) != io.EOF {
		return errors.New("malformed YAML: more than one document")
	}
	return nil
}

func applyEnv(cfg *Config, env []string, problems *ValidationError) {
	byEnv := map[string]Field{}
	for _, f := range Fields() {
		byEnv[f.Env] = f
	}
	var unknown []string
	values := map[string]string{}
	for _, kv := range env {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, EnvPrefix) || name == EnvConfigFile {
			continue
		}
		f, known := byEnv[name]
		if !known {
			unknown = append(unknown, name)
			values[name] = value
			continue
		}
		if err := f.Set(cfg, value); err != nil {
			problems.addErr(withSource(err, name))
		}
	}
	sort.Strings(unknown)
	for _, name := range unknown {
		problems.add(name, values[name], "no such setting: unknown STINGER_* environment variable (see `stinger config defaults`)")
	}
}

func applyFlags(cfg *Config, fs *pflag.FlagSet, problems *ValidationError) {
	if fs == nil {
		return
	}
	for _, f := range Fields() {
		fl := fs.Lookup(f.Flag)
		if fl == nil || !fl.Changed {
			continue
		}
		v, ok := fl.Value.(*flagValue)
		if !ok {
			continue
		}
		if err := f.Set(cfg, v.raw); err != nil {
			problems.addErr(withSource(err, "--"+f.Flag))
		}
	}
}

func withSource(err error, source string) *FieldError {
	var fe *FieldError
	if errors.As(err, &fe) {
		return &FieldError{Field: fe.Field + " (from " + source + ")", Value: fe.Value, Expected: fe.Expected}
	}
	return &FieldError{Field: source, Value: "", Expected: err.Error()}
}

// flagValue records a flag's raw text; Load parses it after file and env so
// that precedence is flags > env > file > defaults.
type flagValue struct {
	kind string
	raw  string
	set  bool
	def  string
}

func (v *flagValue) String() string {
	if v.set {
		return v.raw
	}
	return v.def
}

func (v *flagValue) Set(s string) error {
	if v.kind == "list" && v.set {
		v.raw += "," + s
	} else {
		v.raw = s
	}
	v.set = true
	return nil
}

func (v *flagValue) Type() string { return v.kind }

// BindFlags registers one flag per setting on fs (e.g. --api-address),
// with the default value and doc shown in --help. List flags take
// comma-separated values and may be repeated.
func BindFlags(fs *pflag.FlagSet) {
	def := Default()
	for _, f := range Fields() {
		fl := fs.VarPF(&flagValue{kind: f.Kind, def: f.Get(def)}, f.Flag, "", f.Doc+" [env "+f.Env+"]")
		if f.Kind == "bool" {
			fl.NoOptDefVal = "true"
		}
	}
}
