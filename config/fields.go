package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// EnvPrefix prefixes every environment variable that sets a config key.
const EnvPrefix = "STINGER_"

// Field describes one setting: where it lives in the YAML file, its flag and
// environment variable, its kind and its documentation.
type Field struct {
	// Key is the dotted YAML path, e.g. "api.address".
	Key string
	// Flag is the command-line flag name without dashes, e.g. "api-address".
	Flag string
	// Env is the environment variable, e.g. "STINGER_API_ADDRESS".
	Env string
	// Kind is the value kind: string, list, bool, integer or duration.
	Kind string
	// Doc is the one-line description.
	Doc string

	index []int
}

// Fields returns every setting of Config in declaration order.
func Fields() []Field {
	var out []Field
	collectFields(reflect.TypeFor[Config](), nil, nil, &out)
	return out
}

func collectFields(t reflect.Type, prefix []string, index []int, out *[]Field) {
	for i := range t.NumField() {
		sf := t.Field(i)
		name := strings.Split(sf.Tag.Get("yaml"), ",")[0]
		if name == "" || name == "-" {
			continue
		}
		path := append(append([]string{}, prefix...), name)
		idx := append(append([]int{}, index...), i)
		if sf.Type.Kind() == reflect.Struct && sf.Type != reflect.TypeFor[time.Duration]() {
			collectFields(sf.Type, path, idx, out)
			continue
		}
		key := strings.Join(path, ".")
		flag := strings.NewReplacer(".", "-", "_", "-").Replace(key)
		*out = append(*out, Field{
			Key:   key,
			Flag:  flag,
			Env:   EnvPrefix + strings.ToUpper(strings.ReplaceAll(flag, "-", "_")),
			Kind:  kindOf(sf.Type),
			Doc:   sf.Tag.Get("doc"),
			index: idx,
		})
	}
}

func kindOf(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[time.Duration]():
		return "duration"
	case t.Kind() == reflect.String:
		return "string"
	case t.Kind() == reflect.Bool:
		return "bool"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return "list"
	case t.Kind() == reflect.Uint64, t.Kind() == reflect.Int:
		return "integer"
	default:
		panic(fmt.Sprintf("config: unsupported field type %s", t))
	}
}

func (f Field) value(c *Config) reflect.Value {
	return reflect.ValueOf(c).Elem().FieldByIndex(f.index)
}

// Get returns the field's value in c as it would be written in a flag or
// environment variable (lists comma-separated).
func (f Field) Get(c *Config) string {
	v := f.value(c)
	switch f.Kind {
	case "duration":
		return time.Duration(v.Int()).String()
	case "list":
		return strings.Join(v.Interface().([]string), ",")
	default:
		return fmt.Sprint(v.Interface())
	}
}

// Set parses raw (lists comma-separated, empty items dropped) into the
// field of c. The error names the key, the value and the expected form.
func (f Field) Set(c *Config, raw string) error {
	v := f.value(c)
	switch f.Kind {
	case "string":
		v.SetString(raw)
	case "list":
		items := []string{}
		for _, s := range strings.Split(raw, ",") {
			if s = strings.TrimSpace(s); s != "" {
				items = append(items, s)
			}
		}
		v.Set(reflect.ValueOf(items))
	case "bool":
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return &FieldError{Field: f.Key, Value: raw, Expected: "true or false"}
		}
		v.SetBool(b)
	case "duration":
		d, err := time.ParseDuration(raw)
		if err != nil {
			return &FieldError{Field: f.Key, Value: raw, Expected: "a Go duration such as 12s or 1m30s"}
		}
		v.SetInt(int64(d))
	case "integer":
		if v.Kind() == reflect.Int {
			n, err := strconv.ParseInt(raw, 10, 64)
			if err != nil {
				return &FieldError{Field: f.Key, Value: raw, Expected: "an integer"}
			}
			v.SetInt(n)
			return nil
		}
		n, err := strconv.ParseUint(raw, 10, 64)
		if err != nil {
			return &FieldError{Field: f.Key, Value: raw, Expected: "a non-negative integer"}
		}
		v.SetUint(n)
	}
	return nil
}
