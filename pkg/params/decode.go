package params

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Field is one argument of an input struct: its name (the json tag),
// whether it is required (no omitempty) and the field's whole tag, where
// argument types find their settings (CountArgument's "count").
type Field struct {
	Name     string
	Required bool
	Tag      reflect.StructTag
	Type     reflect.Type
}

// Decoder is an argument type that reads and checks itself from a tool
// call's arguments.
type Decoder interface {
	DecodeArg(args map[string]any, f Field) error
}

// SchemaTuner is an argument type that states more of its schema than its
// Go type says (bounds, a default, a description built from them); prop
// is the derived schema of the field's property.
type SchemaTuner interface {
	TuneSchema(prop map[string]any, f Field)
}

// Fields lists the arguments of the input struct type t.
func Fields(t reflect.Type) []Field {
	var out []Field
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "" || name == "-" {
			continue
		}
		out = append(out, Field{Name: name, Required: !strings.Contains(opts, "omitempty"), Tag: sf.Tag, Type: sf.Type})
	}
	return out
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
		sf := t.Field(i)
		name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "" || name == "-" {
			continue
		}
		f := Field{Name: name, Required: !strings.Contains(opts, "omitempty"), Tag: sf.Tag, Type: sf.Type}
		field := v.Field(i)
		if d, ok := field.Addr().Interface().(Decoder); ok {
			if err := d.DecodeArg(args, f); err != nil {
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
			return fmt.Errorf("params: field %s (%s) of %s cannot be decoded", sf.Name, field.Type(), t)
		}
	}
	return nil
}

// TSArgument is a Slack message timestamp argument ("1700000000.000100",
// also accepted as a message link's p1700000000000100 form).
type TSArgument string

// DecodeArg implements Decoder.
func (ts *TSArgument) DecodeArg(args map[string]any, f Field) error {
	s, err := TSArg(args, f.Name, f.Required)
	*ts = TSArgument(s)
	return err
}

// EmojiArgument is an emoji name argument, with or without colons.
type EmojiArgument string

// DecodeArg implements Decoder.
func (e *EmojiArgument) DecodeArg(args map[string]any, f Field) error {
	s, err := Emoji(String(args, f.Name))
	*e = EmojiArgument(s)
	return err
}

// TextArgument is free text (a search query, a name): lists of strings
// read joined by commas, anything else unusable reads as empty, so the
// tool's own "is required" message answers it.
type TextArgument string

// DecodeArg implements Decoder.
func (t *TextArgument) DecodeArg(args map[string]any, f Field) error {
	*t = TextArgument(String(args, f.Name))
	return nil
}

// TuneSchema implements SchemaTuner: a `default:"…"` tag (what the tool
// does when the argument is absent) goes in the schema.
func (TextArgument) TuneSchema(prop map[string]any, f Field) {
	if d, ok := f.Tag.Lookup("default"); ok {
		prop["default"] = d
	}
}

// CountArgument is a count (a page size or a cap), tagged
// `count:"<default>,<max>"`: absent or 0 means the default, negative,
// above max, non-numeric, an object or a list is refused; a number sent
// as a string is accepted.
type CountArgument int

// DecodeArg implements Decoder.
func (c *CountArgument) DecodeArg(args map[string]any, f Field) error {
	def, max := countBounds(f)
	n, err := CountArg(args, f.Name, def, max)
	*c = CountArgument(n)
	return err
}

// TuneSchema implements SchemaTuner: the schema and the description state
// the same range, as clients show the description and may check the
// bounds.
func (CountArgument) TuneSchema(prop map[string]any, f Field) {
	def, max := countBounds(f)
	what, _ := prop["description"].(string)
	prop["type"] = "number"
	prop["default"] = def
	prop["minimum"] = 0
	prop["maximum"] = max
	prop["description"] = fmt.Sprintf("%s: 1-%d (default %d; 0 also means %d).", what, max, def, def)
}

// countBounds reads `count:"<default>,<max>"`; a malformed tag is a
// declaration bug that every test of the tool catches.
func countBounds(f Field) (def, max int) {
	d, m, _ := strings.Cut(f.Tag.Get("count"), ",")
	var err1, err2 error
	def, err1 = strconv.Atoi(d)
	max, err2 = strconv.Atoi(m)
	if err1 != nil || err2 != nil || def < 0 || max < 1 || max < def {
		panic(fmt.Sprintf("params: argument %s: tag count:%q wants \"<default>,<max>\"", f.Name, f.Tag.Get("count")))
	}
	return def, max
}

// BoolArgument is a yes/no argument, tagged `default:"true"` or
// `default:"false"` (false when untagged); true/false, 1/0 and their
// strings are accepted.
type BoolArgument bool

// DecodeArg implements Decoder.
func (b *BoolArgument) DecodeArg(args map[string]any, f Field) error {
	v, err := Bool(args, f.Name, boolDefault(f))
	*b = BoolArgument(v)
	return err
}

// TuneSchema implements SchemaTuner: the default goes in the schema.
func (BoolArgument) TuneSchema(prop map[string]any, f Field) { prop["default"] = boolDefault(f) }

func boolDefault(f Field) bool { return f.Tag.Get("default") == "true" }

// LimitArgument is a limit: a count or a time window reaching back from
// now ("50", "1d", "2w"). Decoding reads one value; Parse checks it
// against the tool's bounds at the time of the call. A `default:"…"` tag
// states in the schema what absence means.
type LimitArgument string

// DecodeArg implements Decoder.
func (l *LimitArgument) DecodeArg(args map[string]any, f Field) error {
	s, err := Scalar(args, f.Name)
	*l = LimitArgument(s)
	return err
}

// TuneSchema implements SchemaTuner.
func (LimitArgument) TuneSchema(prop map[string]any, f Field) {
	if d, ok := f.Tag.Lookup("default"); ok {
		prop["default"] = d
	}
}

// Parse is ParseLimit of the argument.
func (l LimitArgument) Parse(def, max int, now time.Time) (Limit, error) {
	return ParseLimit(string(l), def, max, now)
}

// OptionalText is free text whose absence means something else than
// emptiness: an update leaves an absent field alone and clears an empty
// one. Its schema is a plain string.
type OptionalText struct {
	Value string
	Given bool
}

// DecodeArg implements Decoder.
func (o *OptionalText) DecodeArg(args map[string]any, f Field) error {
	if v, ok := args[f.Name]; !ok || v == nil {
		*o = OptionalText{}
		return nil
	}
	*o = OptionalText{Value: String(args, f.Name), Given: true}
	return nil
}

// TuneSchema implements SchemaTuner: the derived object schema of the
// struct becomes the string the client sends.
func (OptionalText) TuneSchema(prop map[string]any, _ Field) { valueSchema(prop, "string") }

// OptionalBool is a yes/no argument whose absence means something else
// than false (a setting that is only reported on when given). Its schema
// is a boolean, with the tag's `default:"…"`.
type OptionalBool struct {
	Value bool
	Given bool
}

// DecodeArg implements Decoder.
func (o *OptionalBool) DecodeArg(args map[string]any, f Field) error {
	if v, ok := args[f.Name]; !ok || v == nil {
		*o = OptionalBool{}
		return nil
	}
	v, err := Bool(args, f.Name, false)
	*o = OptionalBool{Value: v, Given: true}
	return err
}

// TuneSchema implements SchemaTuner.
func (OptionalBool) TuneSchema(prop map[string]any, f Field) {
	valueSchema(prop, "boolean")
	prop["default"] = boolDefault(f)
}

// valueSchema replaces the object schema derived from an Optional struct
// with the schema of the value a client sends, keeping the description.
func valueSchema(prop map[string]any, typ string) {
	for k := range prop {
		if k != "description" {
			delete(prop, k)
		}
	}
	prop["type"] = typ
}

// ChannelArgument is a conversation argument: an ID, #name or @user
// (ParseChannelRef), parsed and checked at decoding, so a malformed one
// costs no Slack call. Turning a name into an ID needs the caller's
// directories (pkg/tools resolves Ref). Its schema is a string.
type ChannelArgument struct {
	Ref   ChannelRef
	Given bool
}

// DecodeArg implements Decoder.
func (c *ChannelArgument) DecodeArg(args map[string]any, f Field) error {
	*c = ChannelArgument{}
	s, err := Scalar(args, f.Name)
	if err != nil {
		return err
	}
	if strings.TrimSpace(s) == "" {
		if f.Required {
			return fmt.Errorf("%s is required: a channel ID (C0123ABCD), #channel-name or @user for a DM", f.Name)
		}
		return nil
	}
	ref, err := ParseChannelRef(s)
	if err != nil {
		return err
	}
	*c = ChannelArgument{Ref: ref, Given: true}
	return nil
}

// TuneSchema implements SchemaTuner.
func (ChannelArgument) TuneSchema(prop map[string]any, _ Field) { valueSchema(prop, "string") }
