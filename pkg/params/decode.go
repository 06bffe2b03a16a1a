package params

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// Decoder is an argument type that reads and checks itself from a tool
// call's arguments: name is the argument's name (its json tag), required
// whether the input struct declares it without omitempty.
type Decoder interface {
	DecodeArg(args map[string]any, name string, required bool) error
}

// Decode fills the struct dst points to from a tool call's arguments, one
// field per argument, in field order, stopping at the first bad one. The
// argument's name is the field's json tag, written once: the input schema
// is derived from the same struct. Fields whose type implements Decoder
// decode themselves; plain string fields take any single value (numbers
// sent as strings and strings alike), never an object or a list.
func Decode(args map[string]any, dst any) error {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return errors.New("params: Decode needs a pointer to a struct")
	}
	v = v.Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		required := !strings.Contains(opts, "omitempty")
		field := v.Field(i)
		if d, ok := field.Addr().Interface().(Decoder); ok {
			if err := d.DecodeArg(args, name, required); err != nil {
				return err
			}
			continue
		}
		switch field.Kind() {
		case reflect.String:
			s, err := Scalar(args, name)
			if err != nil {
				return err
			}
			field.SetString(s)
		default:
			return fmt.Errorf("params: field %s (%s) of %s cannot be decoded", f.Name, field.Type(), t)
		}
	}
	return nil
}

// TSArgument is a Slack message timestamp argument ("1700000000.000100",
// also accepted as a message link's p1700000000000100 form).
type TSArgument string

// DecodeArg implements Decoder.
func (ts *TSArgument) DecodeArg(args map[string]any, name string, required bool) error {
	s, err := TSArg(args, name, required)
	*ts = TSArgument(s)
	return err
}

// EmojiArgument is an emoji name argument, with or without colons.
type EmojiArgument string

// DecodeArg implements Decoder.
func (e *EmojiArgument) DecodeArg(args map[string]any, name string, _ bool) error {
	s, err := Emoji(String(args, name))
	*e = EmojiArgument(s)
	return err
}
